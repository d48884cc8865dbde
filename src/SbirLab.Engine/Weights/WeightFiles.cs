namespace SbirLab.Engine.Weights;

/// <summary>Reads a weights file of any supported format into named tensors.</summary>
public static class WeightFiles
{
    public static Dictionary<string, TorchSharp.torch.Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"weights file not found: {path}");
        return SafeTensors.Read(path).Tensors;
    }
}
