using System.Diagnostics;
using SbirLab.Core.Configs;
using SbirLab.Core.Runs;
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
public sealed record SearchAnswer(IReadOnlyList<SearchResult> Results, string? BestClass, IndexKind Index, double Milliseconds, byte[] QueryImage, int QuerySize);

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

    /// <summary>Most results one query returns.</summary>
    public const int MaxResults = 200;

    /// <summary>Largest canvas side (browser pixels) a drawing may claim.</summary>
    public const float MaxCanvasSide = 10_000;

    /// <summary>Border left around a drawing when the run's queries are not sketches to measure it from.</summary>
    public const float DefaultMargin = 0.1f;

    private readonly TrainedRun _run;
    private readonly bool _ownsRun;
    private readonly RunConfig _config;
    private readonly SiameseNetwork _model;
    private readonly HnswIndex _hnsw;
    private readonly ExactIndex _exact;
    private readonly object _modelLock = new();

    private SketchSearcher(TrainedRun run, HnswIndex hnsw, bool ownsRun)
    {
        _run = run;
        _ownsRun = ownsRun;
        _config = run.Config;
        var data = run.Data;
        Gallery = data.Gallery;
        ClassNames = data.ClassNames;
        _model = run.Model;
        _hnsw = hnsw;
        _exact = new ExactIndex(hnsw.Dimension, hnsw.Metric, hnsw.Count);
        for (int i = 0; i < hnsw.Count; i++) _exact.Add(hnsw.GetVector(i));
        // The exact index holds a copy of the vectors the HNSW index holds, plus the HNSW graph (about 2·M links a vector).
        Bytes = run.Bytes + 2L * hnsw.Count * hnsw.Dimension * sizeof(float) + hnsw.Count * 32L * sizeof(int);
        LineWidth = PseudoSketch.DefaultStrokeWidth(Gallery.Size, Gallery.Size, Gallery.Size);
        Margin = data.Queries.Count > 0 && data.Queries.Domains[0] == Domain.Sketch
            ? SketchFrame.MeasureMargin(data.Queries, LineWidth)
            : DefaultMargin;
    }

    /// <summary>The run this searcher answers from (config, network, evaluation sets).</summary>
    public TrainedRun Run => _run;

    /// <summary>About how much memory the searcher holds: the run's and its two indexes'.</summary>
    public long Bytes { get; }

    /// <summary>The run's gallery photos, in index order.</summary>
    public IImageSet Gallery { get; }

    /// <summary>Class names by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The index the run was evaluated with, used when a query names none.</summary>
    public IndexKind DefaultIndex => _config.Evaluation.Index;

    /// <summary>Width in model-input pixels of the lines of the training sketches, and the thinnest a drawing is drawn.</summary>
    public float LineWidth { get; }

    /// <summary>
    /// Free border (fraction of the input side) that a drawing's bounding box gets: the median border of the run's own
    /// query sketches, so a drawing fills the input as the sketches the model was trained and evaluated on do.
    /// </summary>
    public float Margin { get; }

    /// <summary>
    /// Opens a completed run folder: its last checkpoint and its saved gallery index; with <paramref name="roots"/>
    /// its data must lie inside them (<see cref="ConfigException"/> otherwise).
    /// </summary>
    public static SketchSearcher Open(string runFolder, PathRoots? roots = null)
    {
        var folder = RunFolder.FromPath(runFolder);
        if (!File.Exists(folder.LastCheckpoint)) throw new FileNotFoundException($"{folder.Root} has no checkpoint");
        CheckIndexFile(folder);
        var run = TrainedRun.Open(folder.LastCheckpoint, roots);
        try
        {
            return new SketchSearcher(run, LoadIndex(folder, run), ownsRun: true);
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>A searcher over an opened run and its folder's gallery index; the run stays the caller's to dispose.</summary>
    public static SketchSearcher Open(TrainedRun run, RunFolder folder)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(folder);
        CheckIndexFile(folder);
        return new SketchSearcher(run, LoadIndex(folder, run), ownsRun: false);
    }

    private static void CheckIndexFile(RunFolder folder)
    {
        if (!File.Exists(GalleryIndexBuilder.IndexPath(folder)))
            throw new FileNotFoundException($"{folder.Root} has no gallery index; evaluate the run first (sbirlab eval)");
    }

    private static HnswIndex LoadIndex(RunFolder folder, TrainedRun run)
    {
        var hnsw = HnswIndex.Load(GalleryIndexBuilder.IndexPath(folder));
        if (hnsw.Count != run.Data.Gallery.Count)
            throw new InvalidDataException($"the saved index has {hnsw.Count} items but the gallery has {run.Data.Gallery.Count}; re-evaluate the run");
        return hnsw;
    }

    /// <summary>
    /// Searches with strokes drawn on a canvas of the given size (browser pixels). <paramref name="strokeWidth"/> is the
    /// pen's width on the canvas: it is scaled with the drawing and never drawn thinner than <see cref="LineWidth"/>.
    /// </summary>
    public SearchAnswer Search(IReadOnlyList<Stroke> strokes, float canvasWidth, float canvasHeight, int k, IndexKind? index = null, float strokeWidth = 0)
    {
        Validate(strokes, canvasWidth, canvasHeight, strokeWidth);
        var watch = Stopwatch.StartNew();
        return SearchPixels(RenderDrawing(strokes, strokeWidth), k, index, watch);
    }

    /// <summary>
    /// Searches with an uploaded sketch image (PNG/JPEG/WebP): its lines are traced into strokes (<see cref="SketchUpload"/>)
    /// and drawn like a drawing.
    /// </summary>
    public SearchAnswer Search(byte[] imageFile, int k, IndexKind? index = null)
    {
        if (imageFile.Length == 0 || imageFile.Length > MaxUploadBytes)
            throw new ArgumentException($"an upload must hold 1 byte to {MaxUploadBytes / 1048576} MiB, not {imageFile.Length} bytes");
        var watch = Stopwatch.StartNew();
        var strokes = SketchUpload.ToStrokes(imageFile);
        if (strokes.Sum(s => (long)s.Points.Count) > MaxPoints) throw new ArgumentException($"the image holds more than {MaxPoints} points of line");
        return SearchPixels(RenderDrawing(strokes, 0), k, index, watch);
    }

    /// <summary>
    /// The model's input for a drawing: <see cref="SketchRenderer.Render"/> (the pseudo-sketches' renderer) with the
    /// strokes' bounding box fitted into the input with <see cref="Margin"/>; <paramref name="penWidth"/> is in the
    /// strokes' units. Grey bytes, <see cref="IImageSet.Size"/> of the gallery squared.
    /// </summary>
    public byte[] RenderDrawing(IReadOnlyList<Stroke> strokes, float penWidth)
    {
        int size = Gallery.Size;
        float width = Math.Max(LineWidth, penWidth * SketchFrame.Scale(strokes, size, Margin));
        return SketchRenderer.Render(strokes, size, width, new SketchRenderOptions { Normalise = true, Margin = Margin });
    }

    private SearchAnswer SearchPixels(byte[] grey, int k, IndexKind? index, Stopwatch watch)
    {
        k = Math.Clamp(k, 1, Math.Min(MaxResults, Gallery.Count));
        float[] query = Embed(grey, Gallery.Size);
        IndexKind kind = index ?? DefaultIndex;
        IVectorIndex searchIn = kind switch { IndexKind.Hnsw => _hnsw, IndexKind.Exact => _exact };
        var hits = searchIn.Search(query, k);
        var results = hits.Select(h => new SearchResult(h.Id, Gallery.Labels[h.Id], ClassName(Gallery.Labels[h.Id]), h.Distance)).ToList();
        return new SearchAnswer(results, BestClass(results), kind, watch.Elapsed.TotalMilliseconds, grey, Gallery.Size);
    }

    /// <summary>The most frequent class among the best five, ties going to the class with the nearest photo.</summary>
    public static string? BestClass(IReadOnlyList<SearchResult> results) =>
        results.Take(5).GroupBy(r => r.ClassName).OrderByDescending(g => g.Count()).ThenBy(g => g.Min(r => r.Distance)).FirstOrDefault()?.Key;

    private float[] Embed(byte[] grey, int size)
    {
        using var scope = NewDisposeScope();
        var set = new GreyImageSet(grey, size, [0], [Domain.Sketch], [0], Mean, Std);
        var input = set.Batch([0]);
        if (_config.Model.InputChannels == 3) input = input.expand(1, 3, size, size);
        lock (_modelLock)
        {
            using var noGrad = no_grad();
            return _model.Embed(input, Domain.Sketch).data<float>().ToArray();
        }
    }

    private float Mean => _config.Data.Dataset == DatasetKind.Folders ? ImageNormalisation.ImageNetGrey.Mean[0] : DataBundles.FashionMnistMean;
    private float Std => _config.Data.Dataset == DatasetKind.Folders ? ImageNormalisation.ImageNetGrey.Std[0] : DataBundles.FashionMnistStd;

    private string ClassName(long label) => label >= 0 && label < ClassNames.Count ? ClassNames[(int)label] : label.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void Validate(IReadOnlyList<Stroke> strokes, float canvasWidth, float canvasHeight, float strokeWidth)
    {
        if (strokes.Count == 0) throw new ArgumentException("draw at least one stroke");
        if (strokes.Count > MaxStrokes) throw new ArgumentException($"at most {MaxStrokes} strokes, not {strokes.Count}");
        if (strokes.Any(s => s?.Points is null || s.Points.Count == 0)) throw new ArgumentException("every stroke needs at least one point");
        long points = strokes.Sum(s => (long)s.Points.Count);
        if (points > MaxPoints) throw new ArgumentException($"at most {MaxPoints} points, not {points}");
        if (strokes.Any(s => s.Points.Any(p => !float.IsFinite(p.X) || !float.IsFinite(p.Y))))
            throw new ArgumentException("stroke points must be finite numbers");
        if (!(canvasWidth > 0 && canvasWidth <= MaxCanvasSide && canvasHeight > 0 && canvasHeight <= MaxCanvasSide))
            throw new ArgumentException($"the canvas must be 1 to {MaxCanvasSide} pixels on each side");
        if (!(strokeWidth >= 0 && strokeWidth <= canvasWidth && strokeWidth <= canvasHeight))
            throw new ArgumentException("the stroke width must be between 0 and the canvas size");
    }

    public void Dispose()
    {
        if (_ownsRun) _run.Dispose();
    }
}
