using SbirLab.Core.Configs;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Services;

public sealed class ConfigDraftTests : IDisposable
{
    private readonly TestLab _lab = new();

    [Fact]
    public void A_field_out_of_range_gets_the_validators_message_and_only_that_field()
    {
        var draft = new ConfigDraft(_lab.Triplet());
        Assert.True(draft.IsValid);

        draft.Set("loss.margin", 0.9);

        var expected = ConfigValidator.Validate(_lab.Triplet() with { Loss = _lab.Triplet().Loss with { Margin = 0.9 } });
        Assert.Equal(expected, draft.Errors);
        Assert.Equal(0.9, draft.Config.Loss.Margin);
        Assert.Contains("[0, 0.5]", draft.ErrorFor("loss.margin"));
        Assert.Null(draft.ErrorFor("optimizer.learningRate"));
        Assert.False(draft.IsValid);
    }

    [Fact]
    public void The_json_text_is_built_once_per_edit_however_often_the_page_reads_it()
    {
        var draft = new ConfigDraft(_lab.Triplet());
        string shown = draft.Json;
        Assert.Same(shown, draft.Json); // a re-render without an edit serialises nothing

        draft.Set("loss.margin", 0.3);

        string edited = draft.Json;
        Assert.NotSame(shown, edited);
        Assert.Same(edited, draft.Json);
        Assert.Equal(ConfigJson.Serialize(draft.Config), edited);
        Assert.Contains("\"margin\": 0.3", edited);
    }

    [Fact]
    public void Fixing_the_field_makes_the_draft_valid_again_and_keeps_other_edits()
    {
        var draft = new ConfigDraft(_lab.Triplet());
        draft.Set("training.epochs", 2);
        draft.Set("loss.margin", 0.9);
        draft.Set("loss.margin", 0.3);

        Assert.True(draft.IsValid);
        Assert.Equal(2, draft.Config.Training.Epochs);
        Assert.Equal(0.3, draft.Config.Loss.Margin);
        Assert.Contains("\"margin\": 0.3", draft.Json);
    }

    [Fact]
    public void Values_are_read_back_by_path_with_their_types()
    {
        var draft = new ConfigDraft(_lab.Triplet());
        draft.Set("tags", new[] { "a", "b" });
        draft.Set("evaluation.precisionAtK", new[] { 1, 3 });
        draft.Set("model.pretrainedSketch", null);

        Assert.Equal(["a", "b"], draft.Get<string[]>("tags")!);
        Assert.Equal([1, 3], draft.Get<int[]>("evaluation.precisionAtK")!);
        Assert.Equal("triplet", draft.Get<string>("loss.embedding"));
        Assert.Equal(0.05, draft.Get<double>("optimizer.learningRate"));
        Assert.Null(draft.Get<string>("model.pretrainedSketch"));
    }

    [Fact]
    public void A_dependent_rule_is_reported_on_the_field_it_names()
    {
        // Nesterov needs momentum: the validator names optimizer.nesterov.
        var draft = new ConfigDraft(_lab.Triplet());
        draft.Set("optimizer.momentum", 0.0);
        draft.Set("optimizer.nesterov", true);

        Assert.NotNull(draft.ErrorFor("optimizer.nesterov"));
        Assert.Null(draft.ErrorFor("optimizer.momentum"));
    }

    [Fact]
    public void An_empty_name_and_an_unknown_field_are_errors_not_exceptions()
    {
        var draft = new ConfigDraft(_lab.Triplet());
        draft.Set("name", "");
        Assert.Contains("non-empty", draft.ErrorFor("name"));

        draft.Set("loss.nonsense", 1);
        Assert.Contains(draft.Errors, e => e.Allowed.StartsWith("a known field", StringComparison.Ordinal));
    }

    public void Dispose() => _lab.Dispose();
}
