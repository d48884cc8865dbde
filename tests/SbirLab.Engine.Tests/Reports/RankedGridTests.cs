using SbirLab.Engine.Reports;
using SkiaSharp;

namespace SbirLab.Engine.Tests.Reports;

public class RankedGridTests
{
    /// <summary>A 28×28 grey image: left half black, right half of the given shade.</summary>
    private static ImageBuffer HalfAndHalf(byte shade)
    {
        var pixels = new byte[28 * 28];
        for (int y = 0; y < 28; y++)
            for (int x = 14; x < 28; x++)
                pixels[y * 28 + x] = shade;
        return new ImageBuffer(pixels, 28, 28, 1);
    }

    private static ImageBuffer SolidRgb(byte r, byte g, byte b, int width = 20, int height = 20) =>
        new([.. Enumerable.Range(0, width * height).SelectMany(_ => new[] { r, g, b })], width, height, 3);

    private static RankedRow[] Rows() =>
    [
        new("shirt", HalfAndHalf(200), "shirt",
            [new(HalfAndHalf(255), "shirt 0.12", true), new(HalfAndHalf(180), "coat 0.31", false), new(HalfAndHalf(90), "shirt 0.42", true)]),
        new("sneaker", SolidRgb(230, 40, 20), "sneaker",
            [new(SolidRgb(20, 40, 230), "sandal 0.20", false), new(SolidRgb(200, 200, 200), "sneaker 0.25", true)]),
    ];

    [Fact]
    public void Picture_has_the_layout_size()
    {
        var layout = RankedGrid.Layout(Rows());
        using var bitmap = PictureProbe.Decode(RankedGrid.RenderPng(Rows()));
        Assert.Equal((layout.Width, layout.Height), (bitmap.Width, bitmap.Height));
        Assert.Equal(4, layout.Columns);
        Assert.Equal(2, layout.Rows);
        // Every frame lies inside the picture, and frames of one row do not overlap.
        for (int r = 0; r < layout.Rows; r++)
            for (int c = 0; c < layout.Columns; c++)
            {
                var frame = layout.FrameRect(r, c);
                Assert.True(frame.Left >= 0 && frame.Right <= layout.Width && frame.Top >= 0 && frame.Bottom <= layout.Height);
                if (c > 0)
                    Assert.True(frame.Left > layout.FrameRect(r, c - 1).Right);
            }
    }

    [Fact]
    public void Relevant_results_are_framed_green_irrelevant_red_and_queries_neutral()
    {
        var rows = Rows();
        var layout = RankedGrid.Layout(rows);
        using var bitmap = PictureProbe.Decode(RankedGrid.RenderPng(rows));
        int border = layout.Options.Border;
        for (int r = 0; r < rows.Length; r++)
        {
            AssertFrame(bitmap, layout.FrameRect(r, 0), border, RankedGrid.QueryColor);
            for (int k = 0; k < rows[r].Results.Count; k++)
            {
                var expected = rows[r].Results[k].Relevant ? RankedGrid.RelevantColor : RankedGrid.IrrelevantColor;
                AssertFrame(bitmap, layout.FrameRect(r, k + 1), border, expected);
            }
        }
    }

    private static void AssertFrame(SKBitmap bitmap, SKRectI frame, int border, SKColor expected)
    {
        // One pixel inside each of the four border strips, in their middles.
        Assert.Equal(expected, bitmap.GetPixel(frame.Left + border / 2, frame.MidY));
        Assert.Equal(expected, bitmap.GetPixel(frame.Right - 1 - border / 2, frame.MidY));
        Assert.Equal(expected, bitmap.GetPixel(frame.MidX, frame.Top + border / 2));
        Assert.Equal(expected, bitmap.GetPixel(frame.MidX, frame.Bottom - 1 - border / 2));
    }

    [Fact]
    public void Images_are_scaled_into_their_cells()
    {
        var rows = Rows();
        var layout = RankedGrid.Layout(rows, new RankedGridOptions(SmoothScaling: false));
        using var bitmap = PictureProbe.Decode(RankedGrid.RenderPng(rows, layout.Options));
        // 28 px → 72 px: the left quarter of the cell is black, the right quarter the shade of the right half.
        var cell = layout.ImageRect(0, 1);
        Assert.Equal(SKColors.Black, bitmap.GetPixel(cell.Left + cell.Width / 4, cell.MidY));
        Assert.Equal(new SKColor(255, 255, 255), bitmap.GetPixel(cell.Left + 3 * cell.Width / 4, cell.MidY));
        var queryCell = layout.ImageRect(0, 0);
        Assert.Equal(new SKColor(200, 200, 200), bitmap.GetPixel(queryCell.Left + 3 * queryCell.Width / 4, queryCell.MidY));
        // RGB images keep their colour.
        var rgbCell = layout.ImageRect(1, 1);
        Assert.Equal(new SKColor(20, 40, 230), bitmap.GetPixel(rgbCell.MidX, rgbCell.MidY));
    }

    [Fact]
    public void Captions_and_row_labels_are_drawn()
    {
        var rows = Rows();
        var layout = RankedGrid.Layout(rows);
        using var bitmap = PictureProbe.Decode(RankedGrid.RenderPng(rows));
        var frame = layout.FrameRect(0, 3);
        var captionStrip = new SKRect(frame.Left - 4, frame.Bottom, frame.Right + 4, frame.Bottom + RankedGridLayout.CaptionHeight);
        Assert.True(PictureProbe.CountDark(bitmap, captionStrip, 160) > 15, "caption");
        var labelArea = new SKRect(0, frame.Top, layout.GridLeft - 4, frame.Bottom);
        Assert.True(PictureProbe.CountDark(bitmap, labelArea) > 20, "row label");
        // The missing third result of row 2 leaves its cell blank.
        var blank = layout.FrameRect(1, 3);
        Assert.Equal(0, PictureProbe.CountDark(bitmap, new SKRect(blank.Left, blank.Top, blank.Right, blank.Bottom), 250));
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        Assert.Throws<ArgumentException>(() => RankedGrid.RenderPng([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RankedGrid.Layout(Rows(), new RankedGridOptions(CellSize: 4)));
    }
}
