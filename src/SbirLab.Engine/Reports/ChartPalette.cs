using SkiaSharp;

namespace SbirLab.Engine.Reports;

/// <summary>
/// The fixed colours of the report pictures: Tableau 10 for the first ten series or classes, then evenly spread
/// hues, so the same index always gets the same colour across a run's pictures.
/// </summary>
public static class ChartPalette
{
    private static readonly SKColor[] Tableau10 =
    [
        new(0x4E, 0x79, 0xA7), new(0xF2, 0x8E, 0x2B), new(0xE1, 0x57, 0x59), new(0x76, 0xB7, 0xB2),
        new(0x59, 0xA1, 0x4F), new(0xED, 0xC9, 0x48), new(0xB0, 0x7A, 0xA1), new(0xFF, 0x9D, 0xA7),
        new(0x9C, 0x75, 0x5F), new(0xBA, 0xB0, 0xAC),
    ];

    /// <summary>Text and axis colour.</summary>
    internal static readonly SKColor Ink = new(0x33, 0x33, 0x33);

    /// <summary>Secondary text (tick labels, captions).</summary>
    internal static readonly SKColor SoftInk = new(0x55, 0x55, 0x55);

    /// <summary>Grid line colour.</summary>
    internal static readonly SKColor Grid = new(0xE3, 0xE3, 0xE3);

    /// <summary>Colour number <paramref name="index"/> (0-based) of the palette.</summary>
    public static SKColor Color(int index)
    {
        if (index < 0)
            throw new ArgumentOutOfRangeException(nameof(index));
        if (index < Tableau10.Length)
            return Tableau10[index];
        // Golden-ratio hue steps keep far-apart indices visually distinct for large class counts.
        float hue = (float)((index - Tableau10.Length) * 137.508 % 360.0);
        float lightness = 38 + 12 * (index % 3);
        return SKColor.FromHsl(hue, 62, lightness);
    }

    /// <summary>Parses "#RRGGBB" or "#AARRGGBB".</summary>
    public static SKColor Parse(string hex) =>
        SKColor.TryParse(hex, out var color) ? color : throw new FormatException($"Not a colour: '{hex}'.");

    /// <summary>The colour a series gets: its own if it names one, else the palette's colour for its position.</summary>
    public static SKColor ForSeries(Series series, int index) =>
        series.Color is { } hex ? Parse(hex) : Color(index);
}
