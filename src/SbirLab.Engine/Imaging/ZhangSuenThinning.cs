namespace SbirLab.Engine.Imaging;

/// <summary>
/// Zhang–Suen (1984) thinning: repeatedly peels boundary pixels in two alternating sub-passes until a binary
/// image is reduced to one-pixel-wide, 8-connected lines that keep its topology.
/// </summary>
public static class ZhangSuenThinning
{
    /// <summary>Thins <paramref name="image"/> (row-major, true = foreground) in place.</summary>
    public static void Thin(bool[] image, int width, int height)
    {
        var toClear = new List<int>();
        bool changed;
        do
        {
            changed = SubPass(image, width, height, firstPass: true, toClear);
            changed |= SubPass(image, width, height, firstPass: false, toClear);
        }
        while (changed);
    }

    private static bool SubPass(bool[] image, int width, int height, bool firstPass, List<int> toClear)
    {
        toClear.Clear();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                if (image[(y * width) + x] && ShouldRemove(image, width, height, x, y, firstPass))
                {
                    toClear.Add((y * width) + x);
                }
            }
        }

        foreach (var p in toClear)
        {
            image[p] = false;
        }

        return toClear.Count > 0;
    }

    /// <summary>The classic test on the neighbours P2..P9 (clockwise from north).</summary>
    private static bool ShouldRemove(bool[] image, int width, int height, int x, int y, bool firstPass)
    {
        bool At(int dx, int dy)
        {
            var nx = x + dx;
            var ny = y + dy;
            return nx >= 0 && nx < width && ny >= 0 && ny < height && image[(ny * width) + nx];
        }

        bool[] n = [At(0, -1), At(1, -1), At(1, 0), At(1, 1), At(0, 1), At(-1, 1), At(-1, 0), At(-1, -1)];
        var count = n.Count(v => v);
        if (count < 2 || count > 6)
        {
            return false;
        }

        var transitions = 0;
        for (var i = 0; i < 8; i++)
        {
            if (!n[i] && n[(i + 1) % 8])
            {
                transitions++;
            }
        }

        if (transitions != 1)
        {
            return false;
        }

        // n[0]=P2 (N), n[2]=P4 (E), n[4]=P6 (S), n[6]=P8 (W).
        return firstPass
            ? !(n[0] && n[2] && n[4]) && !(n[2] && n[4] && n[6])
            : !(n[0] && n[2] && n[6]) && !(n[0] && n[4] && n[6]);
    }
}
