namespace SbirLab.Engine.Indexing;

/// <summary>
/// Vectors of one length kept back to back in a single growing <c>float[]</c>, so a scan or a graph walk reads
/// contiguous memory instead of chasing one heap object per vector.
/// </summary>
internal sealed class VectorStore
{
    private float[] _data;

    public VectorStore(int dimension, int initialCapacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        Dimension = dimension;
        _data = new float[checked(initialCapacity * dimension)];
    }

    public int Dimension { get; }

    public int Count { get; private set; }

    /// <summary>The underlying array; its first <c>Count · Dimension</c> floats are the vectors.</summary>
    public float[] RawData => _data;

    public ReadOnlySpan<float> this[int id] => _data.AsSpan(id * Dimension, Dimension);

    public int Add(ReadOnlySpan<float> vector)
    {
        EnsureMatchesDimension(vector);
        EnsureCapacity(Count + 1);
        vector.CopyTo(_data.AsSpan(Count * Dimension, Dimension));
        return Count++;
    }

    /// <summary>Appends <paramref name="count"/> vectors given as one flat span (used when loading a file).</summary>
    public void AddFlat(ReadOnlySpan<float> flat, int count)
    {
        EnsureCapacity(Count + count);
        flat[..(count * Dimension)].CopyTo(_data.AsSpan(Count * Dimension));
        Count += count;
    }

    public void EnsureCapacity(int vectors)
    {
        long needed = (long)vectors * Dimension;
        if (needed <= _data.Length)
        {
            return;
        }

        long grown = Math.Max(needed, Math.Max(2L * _data.Length, 16L * Dimension));
        Array.Resize(ref _data, (int)Math.Min(grown, Array.MaxLength));
        if (_data.Length < needed)
        {
            throw new InvalidOperationException($"The index cannot hold {vectors} vectors of dimension {Dimension} in one array.");
        }
    }

    public void EnsureMatchesDimension(ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimension)
        {
            throw new ArgumentException($"Expected a vector of length {Dimension}, got {vector.Length}.", nameof(vector));
        }
    }
}
