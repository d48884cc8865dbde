using System.Text.Json.Nodes;
using SbirLab.Core.Configs;
using SbirLab.Core.Sweeps;

namespace SbirLab.Core.Tests.Sweeps;

public sealed class SweepDefinitionTests
{
    private static readonly RunConfig Triplet = new()
    {
        Name = "base",
        Loss = new LossConfig { Embedding = EmbeddingLossKind.Triplet, Margin = 0.2 },
        Training = new TrainingConfig { Epochs = 3 },
    };

    private static SweepAxis List(string field, params JsonNode?[] values) => new() { Field = field, Values = values };

    private static SweepAxis Range(string field, double min, double max, SweepScale scale = SweepScale.Linear) =>
        new() { Field = field, Min = min, Max = max, Scale = scale };

    [Fact]
    public void A_grid_enumerates_every_combination_with_the_last_axis_fastest_and_names_each_point()
    {
        var sweep = new SweepDefinition
        {
            Name = "g",
            Base = Triplet,
            Search = SweepSearch.Grid,
            Budget = 6,
            Axes = [List("loss.margin", 0.1, 0.3), List("loss.miner", "all", "hard", "semi-hard")],
        };
        Assert.Empty(SweepValidator.Validate(sweep));
        Assert.Equal(6, SweepPoints.GridSize(sweep));

        var points = Enumerable.Range(0, 6).Select(i => SweepPoints.At(sweep, i)).ToList();

        Assert.Equal([0.1, 0.1, 0.1, 0.3, 0.3, 0.3], points.Select(p => p.Config.Loss.Margin));
        Assert.Equal([MinerKind.All, MinerKind.Hard, MinerKind.SemiHard, MinerKind.All, MinerKind.Hard, MinerKind.SemiHard], points.Select(p => p.Config.Loss.Miner));
        Assert.Equal(["g-001", "g-002", "g-003", "g-004", "g-005", "g-006"], points.Select(p => p.Config.Name));
        Assert.All(points, p => Assert.Equal(3, p.Config.Training.Epochs)); // the rest of the base is kept
        Assert.Throws<ArgumentOutOfRangeException>(() => SweepPoints.At(sweep, 6));
    }

    [Fact]
    public void Random_points_lie_in_their_ranges_depend_on_seed_and_index_only_and_round_integer_fields()
    {
        var sweep = new SweepDefinition
        {
            Name = "r",
            Base = Triplet,
            Seed = 3,
            Budget = 200,
            Axes = [Range("loss.margin", 0.05, 0.5), Range("optimizer.learningRate", 1e-4, 1e-1, SweepScale.Log), Range("loss.anchors", 2, 20)],
        };
        Assert.Empty(SweepValidator.Validate(sweep));

        var points = Enumerable.Range(0, 200).Select(i => SweepPoints.At(sweep, i).Config).ToList();

        Assert.All(points, c => Assert.InRange(c.Loss.Margin, 0.05, 0.5));
        Assert.All(points, c => Assert.InRange(c.Optimizer.LearningRate, 1e-4, 1e-1));
        Assert.All(points, c => Assert.InRange(c.Loss.Anchors, 2, 20));
        // log scale: about a third of the draws in each decade, where a linear draw would put 90 % in the last one
        int lowestDecade = points.Count(c => c.Optimizer.LearningRate < 1e-3);
        Assert.InRange(lowestDecade, 40, 95);
        Assert.True(points.Select(c => c.Loss.Anchors).Distinct().Count() > 10);
        // extending a sweep continues with the same points: point 7 is point 7 whatever the budget
        Assert.Equal(SweepPoints.ValuesAt(sweep, 7).Select(v => v.ToString()), SweepPoints.ValuesAt(sweep with { Budget = 8 }, 7).Select(v => v.ToString()));
        Assert.NotEqual(SweepPoints.ValuesAt(sweep, 7).Select(v => v.ToString()), SweepPoints.ValuesAt(sweep with { Seed = 4 }, 7).Select(v => v.ToString()));
    }

    [Fact]
    public void Validation_names_each_bad_field_with_its_value_and_what_is_allowed()
    {
        var sweep = new SweepDefinition
        {
            Name = "bad",
            Base = Triplet,
            Budget = 0,
            Metric = "mAP",
            Axes =
            [
                Range("loss.margn", 0, 1),
                Range("loss.margin", 0.3, 0.1),
                Range("optimizer.learningRate", 0, 0.1, SweepScale.Log),
                Range("loss.miner", 0, 1),
                List("loss.crossEntropyWeight", 0.5, 200.0),
            ],
            MedianStop = new MedianStopRule { AtEpoch = 3 },
        };

        var errors = SweepValidator.Validate(sweep);

        Assert.Contains(errors, e => e.Field == "budget" && e.Value == "0" && e.Allowed.Contains("[1, 1000]"));
        Assert.Contains(errors, e => e.Field == "metric" && e.Allowed.Contains("map_at_r"));
        Assert.Contains(errors, e => e.Field == "axes[0].field" && e.Value == "\"loss.margn\"" && e.Allowed.Contains("loss.margin"));
        Assert.Contains(errors, e => e.Field == "axes[1].max" && e.Allowed.Contains("> min (0.3)"));
        Assert.Contains(errors, e => e.Field == "axes[2].min" && e.Allowed.Contains("log scale"));
        Assert.Contains(errors, e => e.Field == "axes[3]" && e.Allowed.Contains("list of values"));
        Assert.Contains(errors, e => e.Field == "medianStop.atEpoch" && e.Allowed.Contains("[1, 2]"));
    }

    [Fact]
    public void A_value_no_run_could_take_is_refused_with_the_config_validators_range()
    {
        var sweep = new SweepDefinition { Name = "m", Base = Triplet, Axes = [List("loss.margin", 0.1, 0.9)] };

        var error = Assert.Single(SweepValidator.Validate(sweep));

        Assert.Equal("axes[0].values[1]", error.Field);
        Assert.Equal("0.9", error.Value);
        Assert.Contains("loss.margin expects a number in [0, 0.5]", error.Allowed);
    }

    [Fact]
    public void A_grid_budget_beyond_the_grid_is_refused()
    {
        var sweep = new SweepDefinition { Name = "g", Base = Triplet, Search = SweepSearch.Grid, Budget = 5, Axes = [List("loss.margin", 0.1, 0.2)] };

        var error = Assert.Single(SweepValidator.Validate(sweep));

        Assert.Equal("budget", error.Field);
        Assert.Contains("the grid has 2 points", error.Allowed);
    }

    [Fact]
    public void A_sweep_file_names_its_base_by_path_and_sets_fields_of_it_and_round_trips_as_stored()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("configs"));
        File.WriteAllText(dir.File("configs", "base.json"), ConfigJson.Serialize(Triplet));
        File.WriteAllText(dir.File("sweep.json"), """
            {
              // comments are allowed, as in run configs
              "name": "s", "base": "configs/base.json", "set": ["training.epochs=2"],
              "budget": 4, "metric": "p@10", "direction": "maximize",
              "axes": [ { "field": "loss.margin", "values": [0.1, 0.2] } ],
              "medianStop": { "atEpoch": 1 }
            }
            """);

        var sweep = SweepJson.Load(dir.File("sweep.json"));

        Assert.Equal(2, sweep.Base.Training.Epochs);
        Assert.Equal(1, sweep.MedianStop!.AtEpoch);
        var stored = SweepJson.Deserialize(SweepJson.Serialize(sweep));
        Assert.Equal(SweepJson.Serialize(sweep), SweepJson.Serialize(stored));
        Assert.Equal(0.2, SweepPoints.At(stored, 1).Config.Loss.Margin);
    }

    [Fact]
    public void An_unknown_field_of_the_sweep_file_is_named()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("sweep.json"), """{ "name": "s", "base": {}, "budgett": 3, "axes": [] }""");

        var e = Assert.Throws<ConfigException>(() => SweepJson.Load(dir.File("sweep.json")));

        Assert.Contains(e.Errors, x => x.Field.Contains("budgett") && x.Allowed.Contains("budget"));
    }

    [Fact]
    public void The_sweep_templates_of_experiments_are_valid()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "experiments", "sweeps"), "*.json");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var sweep = SweepJson.Load(file);
            Assert.True(sweep.Budget >= 12, file);
            Assert.Equal(1, SweepPoints.At(sweep, 0).Config.Training.Epochs);
        }
    }
}
