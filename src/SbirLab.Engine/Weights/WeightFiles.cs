namespace SbirLab.Engine.Weights;

/// <summary>Reads a weights file of any supported format into named tensors: safetensors or TorchSharp's own.</summary>
public static class WeightFiles
{
    public static Dictionary<string, TorchSharp.torch.Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"weights file not found: {path}");
        return path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? SafeTensors.Load(path) : TorchSharpStateFile.Load(path);
    }
}
