using SkiaSharp;

namespace SbirLab.Cli.Tests;

/// <summary>
/// The seed-000 template runs end to end on a small fake Flickr-style tree (class folders of sketches and
/// photos, a Flickr15K-style query/gallery pair), so the real one can fail only for lack of data.
/// </summary>
[Collection("cli")]
public class FlickrTemplateTests
{
    private static readonly string[] Classes = ["Alarm_Clock", "airplane", "apple"];

    [Fact]
    public async Task TripletTemplateTrainsOnAFakeFlickrTree()
    {
        string root = CliRunner.Temp("flickr");
        MakeTree(root);
        Environment.SetEnvironmentVariable("SBIRLAB_CACHE", Path.Combine(root, "cache"));
        var (code, output) = await CliRunner.Run("train", Path.Combine(RepoPaths.Root, "experiments", "sbir", "flickr15k-triplet.json"),
            "--out", Path.Combine(root, "run"),
            "--set", "model.pretrainedSketch=null", "--set", "model.pretrainedPhoto=null",
            "--set", "model.backbone=resnet18", "--set", "model.imageSize=64",
            "--set", "batch.classes=2", "--set", "batch.items=2",
            "--set", "training.epochs=1", "--set", "training.maxStepsPerEpoch=2",
            "--set", "evaluation.precisionAtK=[1,5]", "--set", "evaluation.exampleTopK=5",
            "--set", $"data.trainSketches={root}/Sketch_EITZ/png", "--set", $"data.trainPhotos={root}/Flickr25K",
            "--set", $"data.evalQueries={root}/Flickr15K/queries", "--set", $"data.evalGallery={root}/Flickr15K/images");
        Assert.True(code == 0, output);
        var trained = FolderStore.Read(Path.Combine(root, "run"));
        Assert.Single(trained.Evaluations);
        Assert.True(File.Exists(Path.Combine(root, "run", "pictures", "ranked-examples.png")));
        string log = trained.LogText;
        Assert.Contains("1 unreadable images skipped", log); // the corrupt file planted below
    }

    [Fact]
    public async Task TheSketchBackbonePretrainedOnSketchesAloneBecomesTheSketchBranchOfTheSiameseRun()
    {
        string root = CliRunner.Temp("flickr-pipeline");
        MakeTree(root);
        Environment.SetEnvironmentVariable("SBIRLAB_CACHE", Path.Combine(root, "cache"));
        string[] small = ["--set", "model.backbone=resnet18", "--set", "model.imageSize=64", "--set", "training.epochs=1", "--set", "training.maxStepsPerEpoch=2",
            "--set", "evaluation.precisionAtK=[1,5]", "--set", "evaluation.exampleTopK=5",
            "--set", $"data.evalQueries={root}/Flickr15K/queries", "--set", $"data.evalGallery={root}/Flickr15K/images",
            "--set", $"data.trainSketches={root}/Sketch_EITZ/png"];
        string pretrain = Path.Combine(root, "pretrain-sketch");
        var first = await CliRunner.Run(["train", Path.Combine(RepoPaths.Root, "experiments", "sbir", "flickr15k-pretrain-sketch.json"), "--out", pretrain,
            "--set", "model.pretrainedSketch=null", "--set", "batch.size=8", .. small]);
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("training sketches alone", FolderStore.Read(pretrain).LogText + first.Output, StringComparison.Ordinal);

        string siamese = Path.Combine(root, "siamese");
        var second = await CliRunner.Run(["train", Path.Combine(RepoPaths.Root, "experiments", "sbir", "flickr15k-triplet.json"), "--out", siamese,
            "--set", $"model.pretrainedSketch={pretrain}", "--set", "model.pretrainedPhoto=null", "--set", "batch.classes=2", "--set", "batch.items=2",
            "--set", $"data.trainPhotos={root}/Flickr25K", .. small]);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Matches(@"sketch backbone from .*last\.safetensors \(backbone\.\*\): loaded 120, missing 0", FolderStore.Read(siamese).LogText);
    }

    [Fact]
    public async Task TheRealTemplateWithoutDataFailsWithAClearMessage()
    {
        var (code, output) = await CliRunner.Run("train", Path.Combine(RepoPaths.Root, "experiments", "sbir", "flickr15k-triplet.json"),
            "--set", "model.pretrainedSketch=null", "--set", "model.pretrainedPhoto=null", "--out", CliRunner.Temp("nodata"));
        Assert.Equal(1, code);
        Assert.Contains("data.trainSketches", output);
        Assert.Contains("download the data set", output);
    }

    [Fact]
    public async Task InspectCountsClassesDomainsAndUnreadableFiles()
    {
        string root = CliRunner.Temp("inspect");
        MakeTree(root);
        var (code, output) = await CliRunner.Run("data", "inspect", Path.Combine(root, "Flickr25K"));
        Assert.True(code == 0, output);
        Assert.Contains("airplane", output);
    }

    private static void MakeTree(string root)
    {
        for (int c = 0; c < Classes.Length; c++)
        {
            for (int i = 0; i < 6; i++)
            {
                Save(Path.Combine(root, "Sketch_EITZ", "png", Classes[c].ToLowerInvariant().Replace('_', ' ')), $"{i}.png", c, i, sketch: true);
                Save(Path.Combine(root, "Flickr25K", Classes[c]), $"{i}.jpg", c, i, sketch: false);
            }
            for (int i = 0; i < 2; i++) Save(Path.Combine(root, "Flickr15K", "queries", Classes[c]), $"q{i}.png", c, i + 10, sketch: true);
            for (int i = 0; i < 4; i++) Save(Path.Combine(root, "Flickr15K", "images", Classes[c]), $"g{i}.jpg", c, i + 20, sketch: false);
        }
        File.WriteAllText(Path.Combine(root, "Flickr25K", "apple", "broken.jpg"), "not a jpeg");
    }

    /// <summary>A class-specific shape (circle, bar, triangle) with a little jitter, as a sketch or a photo.</summary>
    private static void Save(string folder, string name, int shape, int jitter, bool sketch)
    {
        Directory.CreateDirectory(folder);
        using var bitmap = new SKBitmap(120, 90);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(sketch ? SKColors.White : new SKColor((byte)(40 * jitter % 255), 120, 200));
        using var paint = new SKPaint { Color = sketch ? SKColors.Black : SKColors.OrangeRed, IsStroke = sketch, StrokeWidth = 3, IsAntialias = true };
        float d = jitter % 5;
        switch (shape)
        {
            case 0: canvas.DrawCircle(60 + d, 45, 30, paint); break;
            case 1: canvas.DrawRect(20 + d, 35, 80, 20, paint); break;
            default:
                using (var path = new SKPath())
                {
                    path.MoveTo(60, 10 + d); path.LineTo(100, 80); path.LineTo(20, 80); path.Close();
                    canvas.DrawPath(path, paint);
                }
                break;
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(name.EndsWith(".png") ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg, 90);
        File.WriteAllBytes(Path.Combine(folder, name), data.ToArray());
    }
}
