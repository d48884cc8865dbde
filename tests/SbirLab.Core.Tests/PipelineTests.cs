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

    [Fact]
    public void Every_pipeline_of_experiments_loads_its_run_files_and_validates()
    {
        var pipelines = Directory.GetFiles(Path.Combine(RepoPaths.Root, "experiments"), "*.json", SearchOption.AllDirectories)
            .Where(f => Pipeline.IsPipeline(File.ReadAllText(f))).ToList();
        Assert.NotEmpty(pipelines);
        foreach (var file in pipelines)
        {
            var pipeline = Pipeline.Load(file);
            Assert.True(pipeline.Runs.Count >= 2, file);
            Assert.False(string.IsNullOrWhiteSpace(pipeline.Description), file);
        }
        var seedZero = Pipeline.Load(Path.Combine(RepoPaths.Root, "experiments", "sbir", "fm-drawn-pipeline.json"), ["data.sketchStyle=edges"]);
        Assert.Equal(["fm-drawn-pretrain-sketch", "fm-drawn-pretrain-photo", "fm-drawn-siamese-triplet", "fm-drawn-siamese-contrastive"], seedZero.Runs.Select(r => r.Name));
        Assert.All(seedZero.Runs, r => Assert.Equal(SketchStyleKind.Edges, r.Data.SketchStyle));
        Assert.Equal(0, seedZero.StepNamed(seedZero.Runs[2].Model.PretrainedSketch!, before: 2));
        Assert.Equal(1, seedZero.StepNamed(seedZero.Runs[3].Model.PretrainedPhoto!, before: 3));
    }

    [Fact]
    public void A_run_file_the_pipeline_names_must_lie_beside_it()
    {
        var e = Assert.Throws<ConfigException>(() => Pipeline.ParseUnvalidated("""{ "runs": ["../secret.json"] }""", readFile: name => Pipeline.ReadBeside(Path.GetTempPath(), name)));
        Assert.Equal("runs[0]", Assert.Single(e.Errors).Field);
    }
}
