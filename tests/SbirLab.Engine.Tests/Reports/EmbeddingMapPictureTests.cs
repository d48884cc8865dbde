using SbirLab.Engine.Reports;
using SkiaSharp;

namespace SbirLab.Engine.Tests.Reports;

public class EmbeddingMapPictureTests
{
    private static EmbeddingMap Map(IReadOnlyList<MapThumbnail>? thumbnails = null) => new(
        X: [0, 10, 0, 10, 5],
        Y: [0, 0, 10, 10, 5],
        Labels: [0, 1, 2, 0, 1],
        ClassNames: ["shirt", "sneaker", "bag"],
        IsSketch: [false, true, false, false, true],
        Thumbnails: thumbnails);

    [Fact]
    public void Points_take_their_class_colour_and_domain_shape()
    {
        var map = Map();
        using var bitmap = PictureProbe.Decode(EmbeddingMapPicture.RenderPng(map, 800, 600));
        Assert.Equal((800, 600), (bitmap.Width, bitmap.Height));
        var pixels = EmbeddingMapPicture.PointPixels(map, 800, 600);
        for (int i = 0; i < 5; i++)
        {
            var expected = PictureProbe.OverWhite(ChartPalette.Color(map.Labels[i]), 215);
            Assert.True(PictureProbe.AnyNear(bitmap, pixels[i].X, pixels[i].Y, expected, radius: 0, tolerance: 6), $"point {i}");
        }
        // Sketches are triangles with a dark rim, photos circles with a white one: only sketches have dark pixels.
        SKRect Around(SKPoint p) => new(p.X - 6, p.Y - 6, p.X + 7, p.Y + 7);
        Assert.Equal(0, PictureProbe.CountDark(bitmap, Around(pixels[0])));
        Assert.True(PictureProbe.CountDark(bitmap, Around(pixels[1])) >= 6);
        // 4.5 px below a sketch's centre lies under the triangle's base (2.8 px, plus rim and anti-aliasing).
        Assert.True(PictureProbe.AnyNear(bitmap, pixels[1].X, pixels[1].Y + 4.5f, SKColors.White, 0, 20));
    }

    [Fact]
    public void Points_span_the_plot_area_with_room_for_thumbnails()
    {
        var pixels = EmbeddingMapPicture.PointPixels(Map(), 800, 600);
        var area = EmbeddingMapPicture.PlotArea(800, 600);
        float room = EmbeddingMapPicture.ThumbnailSize / 2f;
        Assert.All(pixels, p => Assert.True(area.Left + room <= p.X && p.X <= area.Right - room && area.Top + room <= p.Y && p.Y <= area.Bottom - room));
        // Point 4 at (5, 5) is the midpoint of the data box; y grows upwards.
        Assert.Equal((pixels[0].X + pixels[1].X) / 2, pixels[4].X, 3);
        Assert.True(pixels[2].Y < pixels[0].Y);
    }

    [Fact]
    public void Thumbnails_are_drawn_at_their_point_framed_in_the_class_colour()
    {
        var blue = new ImageBuffer([.. Enumerable.Range(0, 16 * 16).SelectMany(_ => new byte[] { 0, 0, 255 })], 16, 16, 3);
        var map = Map([new MapThumbnail(2, blue)]);
        using var bitmap = PictureProbe.Decode(EmbeddingMapPicture.RenderPng(map, 800, 600));
        var at = EmbeddingMapPicture.PointPixels(map, 800, 600)[2];
        Assert.Equal(new SKColor(0, 0, 255), bitmap.GetPixel((int)at.X, (int)at.Y));
        int frameLeft = (int)(at.X - EmbeddingMapPicture.ThumbnailSize / 2f);
        Assert.Equal(ChartPalette.Color(2), bitmap.GetPixel(frameLeft, (int)at.Y));
    }

    [Fact]
    public void Legend_lists_classes_and_domains()
    {
        using var bitmap = PictureProbe.Decode(EmbeddingMapPicture.RenderPng(Map(), 800, 600));
        var area = EmbeddingMapPicture.PlotArea(800, 600);
        var legend = new SKRect(area.Right + 10, area.Top, 800, area.Top + 200);
        Assert.True(PictureProbe.CountDark(bitmap, legend) > 100);
        for (int c = 0; c < 3; c++)
            Assert.True(PictureProbe.CountNear(bitmap, legend, ChartPalette.Color(c), 4) > 50, $"swatch {c}");
    }

    [Fact]
    public void Non_finite_points_are_skipped_and_bad_labels_refused()
    {
        var map = Map() with { X = [0, double.NaN, 0, 10, 5] };
        Assert.True(float.IsNaN(EmbeddingMapPicture.PointPixels(map, 800, 600)[1].X));
        Assert.NotEmpty(EmbeddingMapPicture.RenderPng(map, 800, 600));
        Assert.Throws<ArgumentException>(() => EmbeddingMapPicture.RenderPng(Map() with { Labels = [0, 1, 2, 3, 0] }));
        Assert.Throws<ArgumentException>(() => EmbeddingMapPicture.RenderPng(Map() with { IsSketch = [true] }));
    }
}
