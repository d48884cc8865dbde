using SkiaSharp;

namespace SbirLab.Engine.Reports;

/// <summary>
/// Finds a typeface that really draws glyphs on a headless Linux box. The Skia build without dependencies has
/// no fontconfig, so <see cref="SKTypeface.Default"/> can be an empty face there; DejaVu Sans (Debian package
/// fonts-dejavu-core) is loaded from its file first, then the font manager is asked, then the default is taken.
/// </summary>
public static class ReportFonts
{
    private static readonly string[] RegularFiles =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ];

    private static readonly string[] BoldFiles =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ];

    private static readonly Lazy<SKTypeface> RegularFace = new(() => Find(RegularFiles, SKFontStyle.Normal));
    private static readonly Lazy<SKTypeface> BoldFace = new(() => Find(BoldFiles, SKFontStyle.Bold));

    /// <summary>The regular typeface used for all labels.</summary>
    public static SKTypeface Regular => RegularFace.Value;

    /// <summary>The bold typeface used for titles.</summary>
    public static SKTypeface Bold => BoldFace.Value;

    /// <summary>True when the chosen regular face has glyphs for plain Latin text (so labels are not blank).</summary>
    public static bool CanDrawText => HasLatinGlyphs(Regular);

    /// <summary>An anti-aliased font of the regular (or bold) face at <paramref name="size"/> pixels.</summary>
    internal static SKFont Font(float size, bool bold = false) =>
        new(bold ? Bold : Regular, size) { Edging = SKFontEdging.Antialias, Subpixel = true };

    private static SKTypeface Find(IEnumerable<string> files, SKFontStyle style)
    {
        foreach (var file in files.Where(File.Exists))
        {
            var face = SKTypeface.FromFile(file);
            if (face is not null && HasLatinGlyphs(face))
                return face;
        }
        foreach (var family in new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica" })
        {
            var face = SKFontManager.Default.MatchFamily(family, style);
            if (face is not null && HasLatinGlyphs(face))
                return face;
        }
        return SKTypeface.Default;
    }

    private static bool HasLatinGlyphs(SKTypeface face)
    {
        using var font = new SKFont(face, 12);
        return face.GlyphCount > 0 && font.ContainsGlyphs("Aa0");
    }
}
