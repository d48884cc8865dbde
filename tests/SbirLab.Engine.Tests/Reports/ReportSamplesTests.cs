using System.IO.Compression;
using SbirLab.Engine.Reports;

namespace SbirLab.Engine.Tests.Reports;

/// <summary>
/// Renders one sample of every picture, from FashionMNIST when the Debian package dataset-fashion-mnist is installed
/// (else from drawn stand-ins), and checks each decodes at its size. Set REPORT_SAMPLES_DIR to keep the files for a look.
/// </summary>
public class ReportSamplesTests
{
    private const string FashionFolder = "/usr/share/datasets/fashion-mnist";

    private static readonly string[] FashionClasses =
        ["T-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"];

    [Fact]
    public void Every_picture_renders_to_a_decodable_png()
    {
        string? keep = Environment.GetEnvironmentVariable("REPORT_SAMPLES_DIR");
        using var temp = new TempFolder();
        string folder = string.IsNullOrEmpty(keep) ? temp.Path : keep;
        var (images, labels) = LoadImages(500);
        var written = new List<(string Path, int Width, int Height)>();
        void Expect(string name, int width, int height) => written.Add((Path.Combine(folder, name), width, height));

        RunCharts.Loss(SampleLoss(), Path.Combine(folder, "loss.png"));
        Expect("loss.png", 1400, 560);
        RunCharts.Loss(SampleLongLoss(), Path.Combine(folder, "loss-long.png"));
        Expect("loss-long.png", 900, 560);
        RunCharts.PrecisionRecall(SamplePr(), Path.Combine(folder, "precision-recall.png"));
        Expect("precision-recall.png", 760, 600);
        RunCharts.RecallRatio(SampleRecallRatio(), Path.Combine(folder, "recall-ratio.png"), gallerySize: 1000);
        Expect("recall-ratio.png", 900, 560);
        RunCharts.Metric(Path.Combine(folder, "map-per-epoch.png"), "mAP per epoch", "mAP", SampleMap());
        Expect("map-per-epoch.png", 900, 560);
        RunCharts.Metric(Path.Combine(folder, "learning-rate.png"), "Learning rate (cosine decay, warm-up)", "learning rate",
            SampleLearningRate(), logY: true, xLabel: "step");
        Expect("learning-rate.png", 900, 560);
        LineChart.Render(new ChartSpec("Nothing recorded yet", "step", "loss", [new Series("loss", [], [])]),
            Path.Combine(folder, "no-data.png"), 600, 380);
        Expect("no-data.png", 600, 380);
        var rows = SampleRows(images, labels);
        var gridLayout = RankedGrid.Layout(rows, new RankedGridOptions(Title: "Top 8 by pixel distance, one query per class"));
        RankedGrid.Render(rows, Path.Combine(folder, "ranked-grid.png"), gridLayout.Options);
        Expect("ranked-grid.png", gridLayout.Width, gridLayout.Height);
        EmbeddingMapPicture.Render(SampleMap(images, labels), Path.Combine(folder, "embedding-map.png"));
        Expect("embedding-map.png", 1000, 760);

        foreach (var (path, width, height) in written)
        {
            using var bitmap = PictureProbe.Decode(path);
            Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
        }
    }

    private static LossHistory SampleLoss()
    {
        var random = new Random(1);
        double[] steps = [.. Enumerable.Range(0, 1200).Select(i => (double)i)];
        double Noisy(double s, double start, double floor) =>
            floor + (start - floor) * Math.Exp(-s / 300) + (random.NextDouble() - 0.5) * 0.35 * (start - floor) * Math.Exp(-s / 900);
        var embedding = steps.Select(s => Noisy(s, 0.5, 0.08)).ToArray();
        var crossEntropy = steps.Select(s => Noisy(s, 2.3, 0.25)).ToArray();
        var total = embedding.Zip(crossEntropy, (e, c) => 0.4 * e + 0.6 * c).ToArray();
        double[] epochs = [.. Enumerable.Range(1, 10).Select(e => (double)e)];
        double[] EpochMeans(double[] perStep) => [.. perStep.Chunk(120).Select(c => c.Average())];
        return new LossHistory(steps,
            [new("total", total), new("embedding", embedding), new("cross-entropy", crossEntropy)],
            epochs,
            [new("total", EpochMeans(total)), new("embedding", EpochMeans(embedding)), new("cross-entropy", EpochMeans(crossEntropy)),
             new("validation total", [.. EpochMeans(total).Select((v, i) => v * 1.08 + 0.01 * i)], ChartPalette.Color(0).ToString(), Dashed: true)]);
    }

    /// <summary>40,000 noisy steps, no epoch means: exercises the per-column reduction of dense curves.</summary>
    private static LossHistory SampleLongLoss()
    {
        var random = new Random(2);
        double[] steps = [.. Enumerable.Range(0, 40_000).Select(i => (double)i)];
        double[] loss = [.. steps.Select(s => 0.2 + 1.8 * Math.Exp(-s / 8000) + (random.NextDouble() - 0.5) * 0.4)];
        return new LossHistory(steps, [new("total", loss)], [], []);
    }

    private static PrCurve[] SamplePr()
    {
        double[] recall = [.. Enumerable.Range(0, 101).Select(i => i / 100.0)];
        PrCurve Curve(string name, double shape, double map) =>
            new(name, recall, [.. recall.Select(r => 0.1 + 0.9 * (1 - Math.Pow(r, shape)))], map);
        return [Curve("classification", 0.75, 0.58), Curve("triplet", 2.2, 0.79), Curve("smooth-AP", 2.7, 0.81)];
    }

    private static RecallRatioCurve[] SampleRecallRatio()
    {
        double[] counts = [.. Enumerable.Range(0, 51).Select(i => i * 20.0)];
        RecallRatioCurve Curve(string name, double speed) =>
            new(name, counts, [.. counts.Select(c => 1 - Math.Exp(-c / 1000 * speed))]);
        return [Curve("contrastive", 6), Curve("triplet", 9)];
    }

    private static Series[] SampleMap()
    {
        double[] epochs = [.. Enumerable.Range(1, 20).Select(e => (double)e)];
        return
        [
            new("triplet", epochs, [.. epochs.Select(e => 0.79 - 0.35 * Math.Exp(-e / 4))]),
            new("contrastive", epochs, [.. epochs.Select(e => 0.72 - 0.33 * Math.Exp(-e / 5))]),
            new("contrastive (no CE)", epochs, [.. epochs.Select(e => e == 7 ? double.NaN : 0.61 - 0.3 * Math.Exp(-e / 6))], Dashed: true),
        ];
    }

    private static Series[] SampleLearningRate()
    {
        double[] steps = [.. Enumerable.Range(0, 3000).Select(i => (double)i)];
        double Lr(double s) => s < 200 ? 0.01 * (s + 1) / 200 : 0.5 * 0.01 * (1 + Math.Cos(Math.PI * (s - 200) / 2800)) + 1e-5;
        return [new("learning rate", steps, [.. steps.Select(Lr)])];
    }

    private static RankedRow[] SampleRows(ImageBuffer[] images, int[] labels)
    {
        var rows = new List<RankedRow>();
        for (int cls = 0; cls < 10; cls++)
        {
            int query = Array.FindIndex(labels, l => l == cls);
            var ranked = Enumerable.Range(0, images.Length).Where(i => i != query)
                .Select(i => (Index: i, Distance: PixelDistance(images[query], images[i])))
                .OrderBy(p => p.Distance).Take(8).ToArray();
            double scale = ranked[^1].Distance;
            rows.Add(new RankedRow(FashionClasses[cls], images[query], $"test #{query}",
                [.. ranked.Select(p => new RankedResult(images[p.Index],
                    $"{FashionClasses[labels[p.Index]]} {p.Distance / scale:0.00}", labels[p.Index] == cls))]));
        }
        return [.. rows];
    }

    private static EmbeddingMap SampleMap(ImageBuffer[] images, int[] labels)
    {
        // Two fixed random directions over the pixels: a cheap stand-in for a t-SNE / PCA map.
        var random = new Random(3);
        double[] u = [.. Enumerable.Range(0, 784).Select(_ => random.NextDouble() - 0.5)];
        double[] v = [.. Enumerable.Range(0, 784).Select(_ => random.NextDouble() - 0.5)];
        double Project(ImageBuffer image, double[] direction) => image.Pixels.Select((p, i) => p * direction[i]).Sum();
        var thumbnails = Enumerable.Range(0, images.Length).Where(i => i % 40 == 0).Select(i => new MapThumbnail(i, images[i])).ToArray();
        return new EmbeddingMap(
            [.. images.Select(im => Project(im, u))], [.. images.Select(im => Project(im, v))], labels, FashionClasses,
            [.. Enumerable.Range(0, images.Length).Select(i => i % 5 == 0)], thumbnails, "Embedding map (random projection of pixels)");
    }

    private static double PixelDistance(ImageBuffer a, ImageBuffer b)
    {
        double sum = 0;
        for (int i = 0; i < a.Pixels.Length; i++)
        {
            double d = a.Pixels[i] - b.Pixels[i];
            sum += d * d;
        }
        return Math.Sqrt(sum);
    }

    private static (ImageBuffer[] Images, int[] Labels) LoadImages(int count)
    {
        string imagesPath = Path.Combine(FashionFolder, "t10k-images-idx3-ubyte.gz");
        string labelsPath = Path.Combine(FashionFolder, "t10k-labels-idx1-ubyte.gz");
        if (!File.Exists(imagesPath) || !File.Exists(labelsPath))
            return DrawnStandIns(count);
        byte[] imageBytes = Gunzip(imagesPath), labelBytes = Gunzip(labelsPath);
        var images = Enumerable.Range(0, count)
            .Select(i => new ImageBuffer(imageBytes.AsSpan(16 + i * 784, 784).ToArray(), 28, 28, 1)).ToArray();
        return (images, [.. labelBytes.AsSpan(8, count).ToArray().Select(b => (int)b)]);
    }

    private static byte[] Gunzip(string path)
    {
        using var input = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>28×28 discs whose radius and brightness depend on the class, with noise.</summary>
    private static (ImageBuffer[] Images, int[] Labels) DrawnStandIns(int count)
    {
        var random = new Random(5);
        int[] labels = [.. Enumerable.Range(0, count).Select(i => i % 10)];
        var images = labels.Select(label =>
        {
            var pixels = new byte[784];
            double radius = 4 + label, shade = 120 + 12 * label;
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++)
                    pixels[y * 28 + x] = (byte)(Math.Sqrt((x - 13.5) * (x - 13.5) + (y - 13.5) * (y - 13.5)) < radius
                        ? Math.Clamp(shade + random.Next(-30, 30), 0, 255) : 0);
            return new ImageBuffer(pixels, 28, 28, 1);
        }).ToArray();
        return (images, labels);
    }
}
