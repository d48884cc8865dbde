using TorchSharp;

namespace SbirLab.Engine.Tests;

public class TorchRuntimeTests
{
    [Fact]
    public void TorchLoadsAndComputes()
    {
        var device = TorchRuntime.Device;
        using var x = torch.arange(6, dtype: torch.float32, device: device).reshape(2, 3);
        Assert.Equal(15f, x.sum().item<float>());
        Assert.Equal(Environment.ProcessorCount, torch.get_num_threads());
    }
}
