using SbirLab.Core.Runs;
using SbirLab.Engine.Training;
using SbirLab.Runs;

namespace SbirLab.Web.Tests.Components;

public sealed class SearchPagePickerTests : ComponentTest
{
    [Fact]
    public void A_run_that_finishes_its_evaluation_appears_in_the_picker_without_a_reload()
    {
        var cut = Context.Render<SbirLab.Web.Components.Pages.Search>();
        Assert.NotEmpty(cut.FindAll(".no-runs"));

        long id = Lab.CompletedRun(Lab.Triplet("name=\"just evaluated\""), [0.5]);
        var folder = Lab.Store.Data.RunFolder(id);
        // What the evaluation leaves behind, damaged: the picker only looks for the files; loading them fails, and the
        // page says the run cannot be searched (it once stayed "loading" for ever: only I/O errors were caught).
        Directory.CreateDirectory(Path.GetDirectoryName(folder.LastCheckpoint)!);
        File.WriteAllText(folder.LastCheckpoint, "not a checkpoint");
        Directory.CreateDirectory(Path.GetDirectoryName(GalleryIndexBuilder.IndexPath(folder))!);
        File.WriteAllText(GalleryIndexBuilder.IndexPath(folder), "not an index");
        Lab.Service.Events.Publish(new RunEvaluationEvent(id));

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".no-runs")), TimeSpan.FromSeconds(5));
        cut.WaitForAssertion(() => Assert.Equal("#1 just evaluated", cut.Find(".run-picker input").GetAttribute("value")), TimeSpan.FromSeconds(5));
        cut.WaitForAssertion(() => Assert.Equal("cannot be searched", cut.Find(".run-state").TextContent.Trim()), TimeSpan.FromSeconds(30));
    }
}
