using System.Diagnostics;
using System.Globalization;
using SbirLab.Engine.Datasets.Folders;
using SbirLab.Engine.Imaging;
using SkiaSharp;

namespace SbirLab.Benchmarks;

/// <summary>
/// Measures what the preprocessed cache buys: epoch 1 decodes every JPEG/PNG and builds the cache, epoch 2 reads
/// the same images back from the memory-mapped cache (and, for comparison, with positional reads and with the
/// training augmentation on top), reporting images per second and the process's resident and private memory.
/// Usage: <c>cache [data-folder] [--images N] [--size S] [--threads T]</c>. The synthetic data set (30 classes of
/// 500×375 random shapes, two thirds JPEG, one third PNG) is generated on first use and reused afterwards.
/// </summary>
public static class CacheBenchmark
{
    private const int Classes = 30;
    private const int Width = 500;
    private const int Height = 375;

    /// <summary>Runs the benchmark and prints a table.</summary>
    public static void Run(string[] args)
    {
        var folder = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal))
            ?? Path.Combine(Path.GetTempPath(), "sbirlab-cache-bench");
        var images = Option(args, "--images", 3000);
        var size = Option(args, "--size", 224);
        var threads = Option(args, "--threads", Environment.ProcessorCount);

        var dataFolder = Path.Combine(folder, "data");
        var generateSeconds = EnsureDataset(dataFolder, images);
        var dataset = ImageFolderDataset.FromClassFolders(dataFolder);
        var items = dataset.ToLabelled();
        var options = new PreprocessOptions { Size = size };
        var cachePath = Path.Combine(folder, $"cache-{size}.bin");
        File.Delete(cachePath);

        Console.WriteLine($"{items.Count} images ({Width}×{Height}, {Classes} classes) in {dataFolder}; output 3×{size}×{size}; {threads} threads");
        if (generateSeconds > 0)
        {
            Console.WriteLine($"generated the data set in {generateSeconds:F1} s");
        }

        var baseline = Memory.Sample();
        Console.WriteLine($"{"phase",-44} {"seconds",8} {"images/s",9} {"CPU ms/img",10} {"RSS MiB",8} {"anon MiB",9}");
        Print("start", default, 0, baseline);

        var build = new CacheBuildOptions { MaxDegreeOfParallelism = threads };
        var (seconds, cache) = Time(() => PreprocessedCache.OpenOrBuild(cachePath, items, options, build));
        Print("epoch 1: decode + preprocess + write cache", seconds, items.Count, Memory.Sample());
        Console.WriteLine($"  cache file {new FileInfo(cachePath).Length / (1024.0 * 1024.0):F0} MiB, {cache.SkippedCount} skipped");

        using (cache)
        {
            var order = Shuffled(cache.Count, seed: 1);
            Print("epoch 2: memory-mapped reads (shuffled)", TimeReads(cache, order, augment: false), cache.Count, Memory.Sample());
            Print("epoch 3: memory-mapped reads + augmentation", TimeReads(cache, Shuffled(cache.Count, 2), augment: true), cache.Count, Memory.Sample());
        }

        using (var positional = PreprocessedCache.OpenOrBuild(cachePath, items, options, build with { ReadMode = CacheReadMode.PositionalRead }))
        {
            Print("epoch 2': positional reads (shuffled)", TimeReads(positional, Shuffled(positional.Count, 3), augment: false), positional.Count, Memory.Sample());
        }

        Console.WriteLine("RSS counts the clean, shared pages of the mapped file that were touched; the kernel can drop them at any time.");
        Console.WriteLine("Anonymous memory (heap, native allocations) is what the process itself holds.");
    }

    private static Cost TimeReads(PreprocessedCache cache, int[] order, bool augment)
    {
        var augmenter = new TrainAugmenter();
        var record = new byte[cache.RecordLength];
        var augmented = new byte[cache.RecordLength];
        var random = new Random(7);
        long checksum = 0;
        var watch = Cost.Start();
        foreach (var index in order)
        {
            cache.GetImage(index, record);
            if (augment)
            {
                augmenter.Apply(record, augmented, cache.Channels, cache.Size, random);
            }

            checksum += augment ? augmented[augmented.Length / 2] : record[record.Length / 2];
        }

        GC.KeepAlive(checksum);
        return watch.Stop();
    }

    private static (Cost Cost, T Result) Time<T>(Func<T> action)
    {
        var watch = Cost.Start();
        var result = action();
        return (watch.Stop(), result);
    }

    private static void Print(string phase, Cost cost, int count, (double Rss, double Private) memory)
    {
        var measured = cost.WallSeconds > 0;
        var rate = measured ? (count / cost.WallSeconds).ToString("N0", CultureInfo.InvariantCulture) : "";
        var time = measured ? cost.WallSeconds.ToString("F2", CultureInfo.InvariantCulture) : "";
        var cpu = measured ? (1000 * cost.CpuSeconds / count).ToString("F3", CultureInfo.InvariantCulture) : "";
        Console.WriteLine($"{phase,-44} {time,8} {rate,9} {cpu,10} {memory.Rss,8:F0} {memory.Private,9:F0}");
    }

    /// <summary>Wall-clock and process CPU seconds of a phase (CPU time is less disturbed by other load on the machine).</summary>
    private readonly record struct Cost(double WallSeconds, double CpuSeconds)
    {
        public static Meter Start() => new(Stopwatch.StartNew(), CpuNow());

        private static double CpuNow()
        {
            using var process = Process.GetCurrentProcess();
            return process.TotalProcessorTime.TotalSeconds;
        }

        public sealed record Meter(Stopwatch Watch, double CpuAtStart)
        {
            public Cost Stop() => new(Watch.Elapsed.TotalSeconds, CpuNow() - CpuAtStart);
        }
    }

    private static int[] Shuffled(int count, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>Writes the synthetic set unless a complete one is there; returns the seconds spent.</summary>
    private static double EnsureDataset(string folder, int images)
    {
        var marker = Path.Combine(folder, ".complete");
        if (File.Exists(marker) && File.ReadAllText(marker) == images.ToString(CultureInfo.InvariantCulture))
        {
            return 0;
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        var watch = Stopwatch.StartNew();
        Parallel.For(0, images, i => WriteImage(folder, i));
        File.WriteAllText(marker, images.ToString(CultureInfo.InvariantCulture));
        return watch.Elapsed.TotalSeconds;
    }

    private static void WriteImage(string folder, int index)
    {
        var random = new Random(index);
        var classFolder = Path.Combine(folder, $"class_{index % Classes:D2}");
        Directory.CreateDirectory(classFolder);
        using var bitmap = new SKBitmap(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(RandomColour(random));
            using var paint = new SKPaint { IsAntialias = true };
            for (var s = 0; s < 12; s++)
            {
                paint.Color = RandomColour(random);
                paint.Style = random.Next(2) == 0 ? SKPaintStyle.Fill : SKPaintStyle.Stroke;
                paint.StrokeWidth = 2 + random.Next(10);
                DrawShape(canvas, paint, random);
            }
        }

        var png = index % 3 == 0;
        using var data = bitmap.Encode(png ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg, 90);
        File.WriteAllBytes(Path.Combine(classFolder, $"{index:D5}.{(png ? "png" : "jpg")}"), data.ToArray());
    }

    private static void DrawShape(SKCanvas canvas, SKPaint paint, Random random)
    {
        float X() => random.Next(Width);
        float Y() => random.Next(Height);
        switch (random.Next(3))
        {
            case 0:
                canvas.DrawCircle(X(), Y(), 10 + random.Next(120), paint);
                break;
            case 1:
                canvas.DrawRect(SKRect.Create(X(), Y(), 20 + random.Next(200), 20 + random.Next(150)), paint);
                break;
            default:
                canvas.DrawLine(X(), Y(), X(), Y(), paint);
                break;
        }
    }

    private static SKColor RandomColour(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));

    /// <summary>
    /// Resident set (Process.WorkingSet64) and resident anonymous memory (Linux RssAnon: heap and native
    /// allocations, excluding mapped file pages), in MiB, after a full collection. Elsewhere the second figure
    /// falls back to PrivateMemorySize64.
    /// </summary>
    private static class Memory
    {
        public static (double Rss, double Private) Sample()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            using var process = Process.GetCurrentProcess();
            var anonymous = ReadStatusKilobytes("RssAnon") is { } kb ? kb * 1024.0 : process.PrivateMemorySize64;
            return (process.WorkingSet64 / (1024.0 * 1024.0), anonymous / (1024.0 * 1024.0));
        }

        private static long? ReadStatusKilobytes(string field)
        {
            const string status = "/proc/self/status";
            if (!File.Exists(status))
            {
                return null;
            }

            var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            var number = line?[(field.Length + 1)..].Trim().Split(' ')[0];
            return long.TryParse(number, CultureInfo.InvariantCulture, out var value) ? value : null;
        }
    }
}
