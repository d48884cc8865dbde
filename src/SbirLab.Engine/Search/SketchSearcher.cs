using System.Diagnostics;
using SbirLab.Engine.Configs;
using SbirLab.Engine.Datasets;
using SbirLab.Engine.Imaging;
using SbirLab.Engine.Indexing;
using SbirLab.Engine.Models;
using SbirLab.Engine.Training;
using static TorchSharp.torch;

namespace SbirLab.Engine.Search;

/// <summary>One retrieved gallery photo.</summary>
public sealed record SearchResult(int GalleryIndex, long Label, string ClassName, float Distance);

/// <summary>The answer to a sketch query: ranked photos, the run's class of the best matches, and the time taken.</summary>
public sealed record SearchAnswer(IReadOnlyList<SearchResult> Results, string? BestClass, string Index, double Milliseconds, byte[] QueryImage, int QuerySize);

/// <summary>
/// Answers sketch queries against a trained run's gallery: strokes (or an uploaded sketch image) are
/// rendered into the model's input with the same renderer that made the training pseudo-sketches,
/// embedded by the sketch branch, and searched in the gallery index saved with the run (HNSW, or exact
/// search over the same vectors). Load once per run and keep it: it holds the model and the index.
/// </summary>
public sealed class SketchSearcher : IDisposable
{
    /// <summary>Limits on what a query may hold, so malformed or oversized payloads are refused.</summary>
    public const int MaxStrokes = 500, MaxPoints = 20_000, MaxUploadBytes = 5 * 1024 * 1024;

    private readonly RunConfig _config;
    private readonly SiameseNetwork _model;
    private readonly HnswIndex _hnsw;
    private readonly ExactIndex _exact;
    private readonly object _modelLock = new();

    private SketchSearcher(RunConfig config, DataBundle data, SiameseNetwork model, HnswIndex hnsw)
    {
        _config = config;
        Gallery = data.Gallery;
        ClassNames = data.ClassNames;
        _model = model;
        _hnsw = hnsw;
        _exact = new ExactIndex(hnsw.Dimension, hnsw.Metric, hnsw.Count);
        for (int i = 0; i < hnsw.Count; i++) _exact.Add(hnsw.GetVector(i));
        _data = data;
    }

    private readonly DataBundle _data;

    public IImageSet Gallery { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public string DefaultIndex => _config.Evaluation.Index;

    /// <summary>Opens a completed run folder: its last checkpoint and its saved gallery index.</summary>
    public static SketchSearcher Open(string runFolder)
    {
        var folder = RunFolder.FromPath(runFolder);
        string indexPath = GalleryIndexBuilder.IndexPath(folder);
        if (!File.Exists(folder.LastCheckpoint)) throw new FileNotFoundException($"{folder.Root} has no checkpoint");
        if (!File.Exists(indexPath)) throw new FileNotFoundException($"{folder.Root} has no gallery index; evaluate the run first (sbirlab eval)");
        var config = Checkpoints.Config(folder.LastCheckpoint);
        var data = DataBundles.Load(config, withTraining: false);
        var model = ModelFactory.Create(config with { Model = config.Model with { InitFrom = null, PretrainedPhoto = null, PretrainedSketch = null } }, data.TrainClasses, _ => { });
        Checkpoints.LoadModelOnly(folder.LastCheckpoint, model);
        model.eval();
        var hnsw = HnswIndex.Load(indexPath);
        if (hnsw.Count != data.Gallery.Count)
            throw new InvalidDataException($"the saved index has {hnsw.Count} items but the gallery has {data.Gallery.Count}; re-evaluate the run");
        return new SketchSearcher(config, data, model, hnsw);
    }

    /// <summary>Searches with strokes drawn on a canvas of the given size (browser pixels).</summary>
    public SearchAnswer Search(IReadOnlyList<Stroke> strokes, float canvasWidth, float canvasHeight, int k, string? index = null, float strokeWidth = 0)
    {
        Validate(strokes);
        var watch = Stopwatch.StartNew();
        int size = Gallery.Size;
        float width = strokeWidth > 0 ? strokeWidth : PseudoSketch.DefaultStrokeWidth(size, size, size);
        var pixels = SketchRenderer.Render(strokes, size, width, new SketchRenderOptions { Normalise = true, CanvasWidth = canvasWidth, CanvasHeight = canvasHeight });
        return SearchPixels(pixels, size, k, index, watch);
    }

    /// <summary>Searches with an uploaded sketch image (PNG/JPEG), fitted into the model's input like the training sketches.</summary>
    public SearchAnswer Search(byte[] imageFile, int k, string? index = null)
    {
        if (imageFile.Length == 0 || imageFile.Length > MaxUploadBytes)
            throw new ArgumentException($"an upload must hold 1 byte to {MaxUploadBytes / 1048576} MiB, not {imageFile.Length} bytes");
        var watch = Stopwatch.StartNew();
        if (!ImageDecoder.TryDecode(imageFile, out var bitmap, out var error)) throw new ArgumentException("not a readable image: " + error);
        using (bitmap)
        {
            var options = new PreprocessOptions { Size = Gallery.Size, Channels = 1, Fit = FitMode.Pad, Layout = PixelLayout.Hwc };
            return SearchPixels(new ImagePreprocessor(options).Process(bitmap!), Gallery.Size, k, index, watch);
        }
    }

    private SearchAnswer SearchPixels(byte[] grey, int size, int k, string? index, Stopwatch watch)
    {
        k = Math.Clamp(k, 1, Gallery.Count);
        float[] query = Embed(grey, size);
        string kind = index ?? DefaultIndex;
        IVectorIndex searchIn = kind == VectorIndex.Hnsw ? _hnsw : _exact;
        var hits = searchIn.Search(query, k);
        var results = hits.Select(h => new SearchResult(h.Id, Gallery.Labels[h.Id], ClassName(Gallery.Labels[h.Id]), h.Distance)).ToList();
        string? best = results.Take(5).GroupBy(r => r.ClassName).OrderByDescending(g => g.Count()).ThenBy(g => g.Min(r => r.Distance)).FirstOrDefault()?.Key;
        return new SearchAnswer(results, best, kind, watch.Elapsed.TotalMilliseconds, grey, size);
    }

    private float[] Embed(byte[] grey, int size)
    {
        using var scope = NewDisposeScope();
        using var set = new GreyImageSet(grey, size, [0], [Domain.Sketch], [0], Mean, Std);
        var input = set.Batch([0]);
        if (_config.Model.InputChannels == 3) input = input.expand(1, 3, size, size);
        lock (_modelLock)
        {
            using var noGrad = no_grad();
            return _model.Embed(input, Domain.Sketch).data<float>().ToArray();
        }
    }

    private float Mean => _config.Data.Dataset == "folders" ? ImageNormalisation.ImageNetGrey.Mean[0] : DataBundles.FashionMnistMean;
    private float Std => _config.Data.Dataset == "folders" ? ImageNormalisation.ImageNetGrey.Std[0] : DataBundles.FashionMnistStd;

    private string ClassName(long label) => label >= 0 && label < ClassNames.Count ? ClassNames[(int)label] : label.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void Validate(IReadOnlyList<Stroke> strokes)
    {
        if (strokes.Count == 0) throw new ArgumentException("draw at least one stroke");
        if (strokes.Count > MaxStrokes) throw new ArgumentException($"at most {MaxStrokes} strokes, not {strokes.Count}");
        long points = strokes.Sum(s => (long)s.Points.Count);
        if (points > MaxPoints) throw new ArgumentException($"at most {MaxPoints} points, not {points}");
        if (strokes.Any(s => s.Points.Any(p => !float.IsFinite(p.X) || !float.IsFinite(p.Y))))
            throw new ArgumentException("stroke points must be finite numbers");
    }

    public void Dispose()
    {
        _model.Dispose();
        _data.Dispose();
    }
}
