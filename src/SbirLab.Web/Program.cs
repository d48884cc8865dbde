using SbirLab.Web;

// The web lab: `dotnet run --project src/SbirLab.Web` serves it on http://127.0.0.1:5080 unless --urls or
// ASPNETCORE_URLS says otherwise; --data (or SBIRLAB_DATA) names the data folder, default ./data.
var app = LabApp.Build(args);
await app.StartAsync();
LabApp.PrintAddresses(app, Console.Out);
await app.WaitForShutdownAsync();
