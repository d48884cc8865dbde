using AngleSharp.Dom;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using SbirLab.Store.Accounts;
using SbirLab.Web.Components.Pages;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Components;

public sealed class NewRunPageTests : ComponentTest
{
    private IRenderedComponent<NewRun> Open(string query = "?template=fashion-mnist/triplet")
    {
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("runs/new" + query);
        return Context.Render<NewRun>();
    }

    private static IElement Field(IRenderedComponent<NewRun> cut, string field) => cut.Find($"input[data-field='{field}']");

    /// <summary>The MudBlazor control around a field, where its helper or error text is.</summary>
    private static IElement Control(IRenderedComponent<NewRun> cut, string field) => Field(cut, field).Closest(".mud-input-control")!;

    [Fact]
    public void The_form_starts_from_the_template_and_is_valid()
    {
        var cut = Open();
        Assert.Equal("fm-triplet", Field(cut, "name").GetAttribute("value"));
        Assert.Equal("0.2", Field(cut, "loss.margin").GetAttribute("value"));
        Assert.NotNull(cut.Find(".validation-ok"));
        Assert.False(cut.Find(".queue-button").HasAttribute("disabled"));
    }

    [Fact]
    public void A_bad_value_shows_the_validators_message_beside_its_field_and_blocks_queueing()
    {
        var cut = Open();
        Field(cut, "loss.margin").Input("0.9");

        cut.WaitForAssertion(() => Assert.Contains("expected a number in [0, 0.5]", Control(cut, "loss.margin").TextContent));
        Assert.DoesNotContain("expected", Control(cut, "optimizer.learningRate").TextContent);
        Assert.Contains("loss.margin", cut.Find(".validation-errors").TextContent);
        Assert.True(cut.Find(".queue-button").HasAttribute("disabled"));

        Field(cut, "loss.margin").Input("0.3");
        cut.WaitForAssertion(() => Assert.False(cut.Find(".queue-button").HasAttribute("disabled")));
        Assert.DoesNotContain("expected", Control(cut, "loss.margin").TextContent);
    }

    [Fact]
    public void The_learning_rate_preview_follows_the_epochs_and_the_training_set()
    {
        var cut = Open();
        // 60,000 images / batch 100 = 600 steps per epoch; the template has 20 epochs.
        Assert.Contains("600 steps per epoch × 20 epochs = 12000 steps", Normalise(cut.Find(".lr-caption").TextContent));

        Field(cut, "training.epochs").Input("2");
        Field(cut, "data.trainLimit").Input("2000");
        cut.WaitForAssertion(() => Assert.Contains("20 steps per epoch × 2 epochs = 40 steps", Normalise(cut.Find(".lr-caption").TextContent)));
    }

    [Fact]
    public void Queueing_stores_the_edited_config_and_opens_the_run_page()
    {
        var cut = Open();
        Field(cut, "training.epochs").Input("3");
        Field(cut, "name").Input("my-run");
        cut.WaitForAssertion(() => Assert.Contains("\"epochs\": 3", cut.Find(".config-json").TextContent));
        cut.WaitForAssertion(() => Assert.Contains("\"name\": \"my-run\"", cut.Find(".config-json").TextContent));

        cut.Find(".queue-button").Click();

        cut.WaitForAssertion(() => Assert.Single(Lab.Store.List()));
        var run = Lab.Store.List().Single();
        var config = Lab.Store.Config(run.Id);
        Assert.Equal(3, config.Training.Epochs);
        Assert.Equal("my-run", config.Name);
        Assert.Equal("fashion-mnist/triplet", run.Experiment?.Name);
        Assert.EndsWith($"runs/{run.Id}", Context.Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void The_weight_fields_offer_runs_that_are_done_or_coming_and_the_labs_weights_files_and_take_the_pick()
    {
        long done = Lab.CompletedRun(Lab.Triplet("name=\"pretrained\""), [0.5]);
        long coming = Lab.Service.Queue(Caller.DataFolderOwner, Lab.Triplet("name=\"still-queued\""));
        long stopped = Lab.Service.Queue(Caller.DataFolderOwner, Lab.Triplet("name=\"given-up\""));
        Lab.Service.Stop(Caller.DataFolderOwner, stopped);
        string weights = Path.Combine(Lab.Store.Data.WeightsRoot, "imagenet", "resnet34.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(weights)!);
        File.WriteAllBytes(weights, [0]);
        File.WriteAllText(Path.Combine(Lab.Store.Data.WeightsRoot, "notes.txt"), "not weights");

        var sources = Context.Services.GetRequiredService<RunReader>().WeightSources(Caller.DataFolderOwner);
        Assert.Equal([$"#{coming} still-queued (queued)", $"#{done} pretrained (completed)", "weights/imagenet/resnet34.safetensors"], sources.Select(s => s.Label));
        Assert.Equal(weights, sources[^1].Value);

        var cut = Open();
        Field(cut, "model.initFrom").Input($"#{coming}");
        cut.WaitForAssertion(() => Assert.Contains($"\"initFrom\": \"#{coming}\"", cut.Find(".config-json").TextContent));
        Assert.NotNull(cut.Find(".validation-ok")); // a queued run is a valid input: the new run will wait for it
    }

    [Fact]
    public void Cloning_starts_from_the_runs_config_and_records_the_parent()
    {
        long parent = Lab.CompletedRun(Lab.Triplet("loss.margin=0.35", "name=\"original\""), [0.5]);
        var cut = Open($"?clone={parent}");

        Assert.Equal("original-clone", Field(cut, "name").GetAttribute("value"));
        Assert.Equal("0.35", Field(cut, "loss.margin").GetAttribute("value"));
        cut.Find(".queue-button").Click();

        var clone = Lab.Store.List().Single(r => r.Id != parent);
        Assert.Equal(parent, clone.ParentRunId);
        Assert.Equal(0.35, Lab.Store.Config(clone.Id).Loss.Margin);
    }

    [Fact]
    public void A_list_field_is_typed_as_comma_separated_values_and_a_word_in_it_is_named()
    {
        var cut = Open("?template=seed-002/contrastive-pairs");
        Assert.Empty(cut.FindAll("input[data-field='data.testShare']")); // FashionMNIST has its own test split

        Field(cut, "data.trainClasses").Input("0, 1, 4");
        cut.WaitForAssertion(() => Assert.Contains("\"trainClasses\": [ 0, 1, 4 ]", Normalise(cut.Find(".config-json").TextContent)));
        Field(cut, "data.trainClasses").Input("0, one");
        cut.WaitForAssertion(() => Assert.Contains("\"one\" is not a whole number", Control(cut, "data.trainClasses").TextContent));
        Assert.Contains("\"trainClasses\": [ 0, 1, 4 ]", Normalise(cut.Find(".config-json").TextContent)); // the last good list stays
    }

    [Fact]
    public void A_folder_set_offers_the_held_out_share_and_the_validator_names_the_folders_it_replaces()
    {
        var cut = Open("?template=sbir/flickr15k-contrastive");
        Field(cut, "data.testShare").Input("0.2");

        cut.WaitForAssertion(() => Assert.Contains("\"testShare\": 0.2", cut.Find(".config-json").TextContent));
        cut.WaitForAssertion(() => Assert.Contains("data.evalQueries", cut.Find(".validation-errors").TextContent));
        Assert.Contains("unset when data.testShare > 0", Control(cut, "data.evalQueries").TextContent);
    }

    private static string Normalise(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
