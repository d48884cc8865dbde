using SbirLab.Core.Configs;

namespace SbirLab.Core.Tests;

public sealed class PipelineTests
{
    private const string Chain = """
        {
          // two pretraining runs, then the run that takes both
          "name": "chain",
          "description": "a test chain",
          "runs": [
            { "name": "sketch", "data": { "dataset": "fashion-mnist-sketch", "domain": "sketch" } },
            { "name": "photo", "data": { "dataset": "fashion-mnist-sketch", "domain": "photo" } },
            { "name": "siamese", "data": { "dataset": "fashion-mnist-sketch" }, "model": { "siamese": "two-branch", "pretrainedSketch": "sketch", "pretrainedPhoto": "photo" } },
          ]
        }
        """;

    [Fact]
    public void A_pipeline_file_reads_with_comments_and_overrides_reach_every_run()
    {
        Assert.True(Pipeline.IsPipeline(Chain));
        Assert.False(Pipeline.IsPipeline("""{ "name": "one run" }"""));
        var pipeline = Pipeline.Parse(Chain, ["training.epochs=2"]);
        Assert.Equal("chain", pipeline.Name);
        Assert.Equal("a test chain", pipeline.Description);
        Assert.Equal(["sketch", "photo", "siamese"], pipeline.Runs.Select(r => r.Name));
        Assert.All(pipeline.Runs, r => Assert.Equal(2, r.Training.Epochs));
        Assert.Equal(TrainingDomain.Photo, pipeline.Runs[1].Data.Domain);
        Assert.Equal(1, pipeline.StepNamed("photo", before: 2));
        Assert.Equal(-1, pipeline.StepNamed("siamese", before: 2));
        Assert.Equal(pipeline.Runs.Select(ConfigJson.Serialize), Pipeline.Parse(pipeline.Serialize()).Runs.Select(ConfigJson.Serialize));
    }

    [Fact]
    public void Each_problem_names_the_run_and_its_field()
    {
        var e = Assert.Throws<ConfigException>(() => Pipeline.Parse(Chain.Replace("\"domain\": \"photo\"", "\"domain\": \"fur\"")));
        Assert.Equal("runs[1].data.domain", Assert.Single(e.Errors).Field);

        e = Assert.Throws<ConfigException>(() => Pipeline.Parse(Chain, ["training.epochs=-1"]));
        Assert.Equal(["runs[0].training.epochs", "runs[1].training.epochs", "runs[2].training.epochs"], e.Errors.Select(x => x.Field));

        e = Assert.Throws<ConfigException>(() => Pipeline.Parse(Chain.Replace("\"name\": \"photo\"", "\"name\": \"sketch\"")));
        Assert.Contains(e.Errors, x => x.Field == "runs[1].name" && x.Allowed.Contains("no other run", StringComparison.Ordinal));

        e = Assert.Throws<ConfigException>(() => Pipeline.Parse(Chain.Replace("\"runs\"", "\"steps\"")));
        Assert.Equal("steps", e.Errors[0].Field);
    }

    [Fact]
    public void A_run_may_not_wait_for_itself_or_for_a_later_run_of_the_chain()
    {
        string later = Chain.Replace("\"domain\": \"sketch\" } }",
            "\"domain\": \"sketch\" }, \"model\": { \"initFrom\": \"siamese\" } }");
        var e = Assert.Throws<ConfigException>(() => Pipeline.Parse(later));
        Assert.Equal("runs[0].model.initFrom", Assert.Single(e.Errors).Field);

        string itself = Chain.Replace("\"pretrainedPhoto\": \"photo\"", "\"pretrainedPhoto\": \"siamese\"");
        e = Assert.Throws<ConfigException>(() => Pipeline.Parse(itself));
        Assert.Equal("runs[2].model.pretrainedPhoto", Assert.Single(e.Errors).Field);
    }
}
