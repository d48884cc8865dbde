using SkiaSharp;

namespace SbirLab.Engine.Reports;

/// <summary>One retrieved item of a ranked row: its picture, caption (e.g. "shirt 0.42") and whether it is relevant.</summary>
/// <param name="Image">The retrieved image.</param>
/// <param name="Caption">Small text under the cell.</param>
/// <param name="Relevant">Framed green when true, red when false.</param>
/// <param name="Neutral">Framed light grey whatever <paramref name="Relevant"/> says: a cell shown for context (a one-shot
/// episode's supports that were not chosen).</param>
public sealed record RankedResult(ImageBuffer Image, string Caption, bool Relevant, bool Neutral = false);

/// <summary>One row of the "one example per class" figure: a query and its top-K results, best first.</summary>
/// <param name="Label">Row label, usually the query's class.</param>
/// <param name="Query">The query image (framed neutral).</param>
/// <param name="QueryCaption">Caption under the query cell.</param>
/// <param name="Results">The ranked results.</param>
public sealed record RankedRow(string Label, ImageBuffer Query, string QueryCaption, IReadOnlyList<RankedResult> Results);

/// <summary>Look of a ranked grid.</summary>
/// <param name="CellSize">Side of the square each image is scaled into, in pixels.</param>
/// <param name="Border">Thickness of the coloured frame around each cell.</param>
/// <param name="Title">Optional title above the grid.</param>
/// <param name="SmoothScaling">Linear filtering when scaling; false keeps hard pixel edges (nearest neighbour).</param>
/// <param name="ResultHeader">Header of the result columns, followed by the column's number ("#1", "support 1").</param>
public sealed record RankedGridOptions(int CellSize = 72, int Border = 4, string? Title = null, bool SmoothScaling = true, string ResultHeader = "#");

/// <summary>
/// Pixel geometry of a ranked grid. Column 0 is the query, columns 1..K the results. A frame rectangle is the
/// coloured border plus the image inside it; the image rectangle is inset by the border thickness.
/// </summary>
public sealed record RankedGridLayout(int Width, int Height, int Columns, int Rows, RankedGridOptions Options,
    int GridLeft, int GridTop, int LabelWidth)
{
    /// <summary>Space between two frames in a row.</summary>
    public const int Gap = 8;

    /// <summary>Extra space between the query column and the first result.</summary>
    public const int QueryGap = 18;

    /// <summary>Height reserved under each frame for its caption.</summary>
    public const int CaptionHeight = 17;

    /// <summary>Space between rows, below the captions.</summary>
    public const int RowGap = 8;

    /// <summary>Height of the column header line ("query", "1", "2", ...).</summary>
    public const int HeaderHeight = 18;

    /// <summary>Side of a frame: the cell plus its border on both sides.</summary>
    public int FrameSize => Options.CellSize + 2 * Options.Border;

    /// <summary>The frame (border included) of a cell.</summary>
    public SKRectI FrameRect(int row, int column)
    {
        if (row < 0 || row >= Rows || column < 0 || column >= Columns)
            throw new ArgumentOutOfRangeException(nameof(row), $"Cell ({row}, {column}) is outside {Rows}x{Columns}.");
        int left = GridLeft + column * (FrameSize + Gap) + (column > 0 ? QueryGap : 0);
        int top = GridTop + row * (FrameSize + CaptionHeight + RowGap);
        return SKRectI.Create(left, top, FrameSize, FrameSize);
    }

    /// <summary>The image area inside a cell's frame.</summary>
    public SKRectI ImageRect(int row, int column)
    {
        var frame = FrameRect(row, column);
        int border = Options.Border;
        return new SKRectI(frame.Left + border, frame.Top + border, frame.Right - border, frame.Bottom - border);
    }
}

/// <summary>
/// The "one example per class" retrieval figure (seeds 000 and 004): one row per query, the query first (framed
/// grey-blue) and its top-K results after it, relevant ones framed green and the others red, each with a caption.
/// </summary>
public static class RankedGrid
{
    /// <summary>Frame of a relevant result.</summary>
    public static readonly SKColor RelevantColor = new(0x2C, 0xA0, 0x2C);

    /// <summary>Frame of an irrelevant result.</summary>
    public static readonly SKColor IrrelevantColor = new(0xD6, 0x27, 0x28);

    /// <summary>Frame of a result shown for context only.</summary>
    public static readonly SKColor NeutralColor = new(0xC8, 0xC8, 0xC8);

    /// <summary>Frame of the query.</summary>
    public static readonly SKColor QueryColor = new(0x6B, 0x7F, 0x99);

    private const int Margin = 16;
    private const float LabelFontSize = 13;
    private const float CaptionFontSize = 11;
    private const float TitleFontSize = 17;

    /// <summary>Renders the grid and writes it as a PNG file.</summary>
    public static void Render(IReadOnlyList<RankedRow> rows, string pngPath, RankedGridOptions? options = null) =>
        PngCanvas.Save(pngPath, RenderPng(rows, options));

    /// <summary>Renders the grid into PNG bytes; the picture size follows from the rows and options.</summary>
    public static byte[] RenderPng(IReadOnlyList<RankedRow> rows, RankedGridOptions? options = null)
    {
        var layout = Layout(rows, options);
        return PngCanvas.Encode(layout.Width, layout.Height, canvas => Draw(canvas, layout, rows));
    }

    /// <summary>Computes where every frame goes for these rows.</summary>
    public static RankedGridLayout Layout(IReadOnlyList<RankedRow> rows, RankedGridOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        options ??= new RankedGridOptions();
        if (rows.Count == 0)
            throw new ArgumentException("A ranked grid needs at least one row.", nameof(rows));
        if (options.CellSize < 8 || options.Border < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "Cells need at least 8 pixels and a border of 1.");
        using var labelFont = ReportFonts.Font(LabelFontSize, bold: true);
        int labelWidth = (int)Math.Clamp(rows.Max(r => labelFont.MeasureText(r.Label)) + 14, 40, 170);
        int columns = 1 + rows.Max(r => r.Results.Count);
        int frame = options.CellSize + 2 * options.Border;
        int titleHeight = string.IsNullOrEmpty(options.Title) ? 0 : (int)TitleFontSize + 14;
        int gridTop = Margin + titleHeight + RankedGridLayout.HeaderHeight;
        int width = Margin + labelWidth + columns * frame + (columns - 1) * RankedGridLayout.Gap
            + (columns > 1 ? RankedGridLayout.QueryGap : 0) + Margin;
        int height = gridTop + rows.Count * (frame + RankedGridLayout.CaptionHeight + RankedGridLayout.RowGap)
            - RankedGridLayout.RowGap + Margin;
        return new RankedGridLayout(width, height, columns, rows.Count, options, Margin + labelWidth, gridTop, labelWidth);
    }

    private static void Draw(SKCanvas canvas, RankedGridLayout layout, IReadOnlyList<RankedRow> rows)
    {
        DrawTitle(canvas, layout);
        DrawHeader(canvas, layout);
        for (int r = 0; r < rows.Count; r++)
            DrawRow(canvas, layout, r, rows[r]);
    }

    private static void DrawTitle(SKCanvas canvas, RankedGridLayout layout)
    {
        if (string.IsNullOrEmpty(layout.Options.Title))
            return;
        using var font = ReportFonts.Font(TitleFontSize, bold: true);
        TextDrawing.Draw(canvas, TextDrawing.Fit(layout.Options.Title, font, layout.Width - 2 * Margin),
            layout.Width / 2f, Margin + TitleFontSize, font, ChartPalette.Ink, SKTextAlign.Center);
    }

    private static void DrawHeader(SKCanvas canvas, RankedGridLayout layout)
    {
        using var font = ReportFonts.Font(CaptionFontSize);
        float baseline = layout.GridTop - 6;
        for (int c = 0; c < layout.Columns; c++)
        {
            var frame = layout.FrameRect(0, c);
            TextDrawing.Draw(canvas, c == 0 ? "query" : $"{layout.Options.ResultHeader}{c}", frame.MidX, baseline, font, ChartPalette.SoftInk,
                SKTextAlign.Center);
        }
    }

    private static void DrawRow(SKCanvas canvas, RankedGridLayout layout, int row, RankedRow content)
    {
        using var labelFont = ReportFonts.Font(LabelFontSize, bold: true);
        var queryFrame = layout.FrameRect(row, 0);
        TextDrawing.Draw(canvas, TextDrawing.Fit(content.Label, labelFont, layout.LabelWidth - 14),
            layout.GridLeft - 12, TextDrawing.BaselineFor(queryFrame.MidY, labelFont), labelFont, ChartPalette.Ink,
            SKTextAlign.Right);
        DrawCell(canvas, layout, row, 0, content.Query, content.QueryCaption, QueryColor);
        for (int k = 0; k < content.Results.Count; k++)
        {
            var result = content.Results[k];
            DrawCell(canvas, layout, row, k + 1, result.Image, result.Caption,
                result.Neutral ? NeutralColor : result.Relevant ? RelevantColor : IrrelevantColor);
        }
    }

    private static void DrawCell(SKCanvas canvas, RankedGridLayout layout, int row, int column, ImageBuffer image,
        string caption, SKColor frameColor)
    {
        var frame = layout.FrameRect(row, column);
        var inner = layout.ImageRect(row, column);
        using (var framePaint = new SKPaint { Color = frameColor, Style = SKPaintStyle.Fill })
            canvas.DrawRect(frame, framePaint);
        using (var backdrop = new SKPaint { Color = new SKColor(0xF4, 0xF4, 0xF4), Style = SKPaintStyle.Fill })
            canvas.DrawRect(inner, backdrop);
        DrawImageFitted(canvas, image, inner, layout.Options.SmoothScaling);
        using var font = ReportFonts.Font(CaptionFontSize);
        string text = TextDrawing.FitKeepingTail(caption, font, layout.FrameSize + RankedGridLayout.Gap - 2);
        TextDrawing.Draw(canvas, text, frame.MidX, frame.Bottom + CaptionFontSize + 3, font, ChartPalette.SoftInk,
            SKTextAlign.Center);
    }

    /// <summary>Draws an image scaled to fit <paramref name="area"/>, keeping its aspect ratio, centred.</summary>
    internal static void DrawImageFitted(SKCanvas canvas, ImageBuffer image, SKRectI area, bool smooth)
    {
        using var skImage = image.ToSkImage();
        float scale = Math.Min(area.Width / (float)image.Width, area.Height / (float)image.Height);
        float w = image.Width * scale, h = image.Height * scale;
        var target = SKRect.Create(area.MidX - w / 2, area.MidY - h / 2, w, h);
        var sampling = smooth
            ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)
            : new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None);
        canvas.Save();
        canvas.ClipRect(SKRect.Create(area.Left, area.Top, area.Width, area.Height));
        canvas.DrawImage(skImage, target, sampling);
        canvas.Restore();
    }
}
