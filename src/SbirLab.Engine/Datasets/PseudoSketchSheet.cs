using SbirLab.Core.Configs;

namespace SbirLab.Engine.Datasets;

/// <summary>
/// A picture of the pseudo-sketch twin: for the first test image of each FashionMNIST class, the photo and its
/// sketch in each style, exactly as a run with that seed trains and evaluates on them (queries come from the test split).
/// </summary>
public static class PseudoSketchSheet
{
    /// <summary>Rows: photos, then one row per style; columns: the classes. Grey, <paramref name="cell"/> pixels a side, 2-pixel gaps.</summary>
    public static (byte[] Grey, int Width, int Height) Render(FashionMnistSplit test, IReadOnlyList<SketchStyleKind> styles, int seed, int cell = 84)
    {
        const int Gap = 2;
        var firsts = Enumerable.Range(0, FashionMnist.ClassNames.Length)
            .Select(c => Array.FindIndex(test.Labels, l => l == c)).ToArray();
        int width = (firsts.Length * (cell + Gap)) + Gap, height = ((styles.Count + 1) * (cell + Gap)) + Gap;
        var sheet = new byte[width * height];
        Array.Fill(sheet, (byte)160);
        for (int column = 0; column < firsts.Length; column++)
        {
            var photo = test.Image(firsts[column]).ToArray();
            Paste(sheet, width, Enlarge(photo, test.Width, cell), cell, column, 0);
            for (int row = 0; row < styles.Count; row++)
            {
                var sketch = new DataBundles.PseudoSketchStyle(styles[row], seed).Render(photo, test.Width, test.Height, cell, "test", firsts[column]);
                Paste(sheet, width, sketch, cell, column, row + 1);
            }
        }
        return (sheet, width, height);

        void Paste(byte[] target, int targetWidth, byte[] image, int side, int column, int row)
        {
            int left = Gap + (column * (side + Gap)), top = Gap + (row * (side + Gap));
            for (int y = 0; y < side; y++) image.AsSpan(y * side, side).CopyTo(target.AsSpan(((top + y) * targetWidth) + left, side));
        }
    }

    /// <summary>Nearest-neighbour enlargement of a square grey image, so the photo's pixels stay visible.</summary>
    private static byte[] Enlarge(byte[] image, int side, int size)
    {
        var result = new byte[size * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                result[(y * size) + x] = image[(y * side / size * side) + (x * side / size)];
        return result;
    }
}
