using Microsoft.Extensions.Configuration;

namespace SbirLab.Web.Tests.Services;

public sealed class NetworkHygieneUnitTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080", false)]
    [InlineData("http://localhost:5080", false)]
    [InlineData("http://[::1]:5080", false)]
    [InlineData("http://0.0.0.0:5080", true)]
    [InlineData("http://[::]:5080", true)]
    [InlineData("http://*:5080", true)]
    [InlineData("http://192.168.1.20:5080", true)]
    public void Only_loopback_bindings_stay_quiet(string url, bool exposed)
    {
        Assert.Equal(exposed, NetworkHygiene.IsExposed(url));
        var output = new StringWriter();
        NetworkHygiene.WarnIfExposed([url], output);
        if (!exposed) Assert.Equal("", output.ToString());
        else
        {
            Assert.Contains("WARNING: " + url, output.ToString());
            Assert.Contains("/api", output.ToString()); // what is exposed
            Assert.Contains("HTTPS", output.ToString()); // and how to put it behind a proxy
        }
    }

    [Fact]
    public void Allowed_hosts_are_the_loopback_names_plus_configured_ones_and_a_star_does_not_open_them()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["hosts"] = "lab.example.org",
            ["AllowedHosts"] = "*",
        }).Build();
        Assert.Equal(["localhost", "127.0.0.1", "[::1]", "lab.example.org"], NetworkHygiene.AllowedHosts(configuration));
    }
}
