using SbirLab.Core.Configs;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Training;

/// <summary>
/// SGD (momentum, Nesterov, weight decay; PyTorch's update rule) and Adam, written out here rather than
/// taken from TorchSharp so that their whole state is a named set of tensors that a checkpoint saves and
/// restores exactly. The learning rate is passed to every step by the schedule.
/// </summary>
public sealed class Optimizer : IDisposable
{
    private readonly IReadOnlyList<(string Name, TorchSharp.Modules.Parameter Parameter)> _parameters;
    private readonly OptimizerConfig _config;
    private readonly Dictionary<string, Tensor> _state = new();
    private long _steps;

    public Optimizer(IEnumerable<(string Name, TorchSharp.Modules.Parameter Parameter)> parameters, OptimizerConfig config)
    {
        _parameters = parameters.Where(p => p.Parameter.requires_grad).ToList();
        _config = config;
    }

    public long Steps => _steps;

    public void ZeroGrad()
    {
        foreach (var (_, p) in _parameters) p.grad?.zero_();
    }

    public void Step(double learningRate)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope(); // one scope for the whole update: its temporaries die together
        _steps++;
        foreach (var (name, p) in _parameters)
        {
            var grad = p.grad;
            if (grad is null) continue;
            if (_config.Name == OptimizerKind.Adam) AdamStep(name, p, grad, learningRate);
            else SgdStep(name, p, grad, learningRate);
        }
    }

    private void SgdStep(string name, Tensor p, Tensor grad, double lr)
    {
        var d = _config.WeightDecay > 0 ? grad.add(p, alpha: _config.WeightDecay) : grad;
        if (_config.Momentum > 0)
        {
            string key = name + ".momentum";
            if (!_state.TryGetValue(key, out var buffer))
            {
                buffer = d.detach().clone().DetachFromDisposeScope();
                _state[key] = buffer;
            }
            else buffer.mul_(_config.Momentum).add_(d);
            d = _config.Nesterov ? d.add(buffer, alpha: _config.Momentum) : buffer;
        }
        p.add_(d, alpha: -lr);
    }

    private void AdamStep(string name, Tensor p, Tensor grad, double lr)
    {
        const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        var d = _config.WeightDecay > 0 ? grad.add(p, alpha: _config.WeightDecay) : grad;
        var m = State(name + ".exp_avg", p);
        var v = State(name + ".exp_avg_sq", p);
        m.mul_(beta1).add_(d, alpha: 1 - beta1);
        v.mul_(beta2).addcmul_(d, d, value: 1 - beta2);
        double correction1 = 1 - Math.Pow(beta1, _steps);
        double correction2 = 1 - Math.Pow(beta2, _steps);
        var denominator = v.div(correction2).sqrt_().add_(eps);
        p.addcdiv_(m, denominator, value: -lr / correction1);
    }

    private Tensor State(string key, Tensor like)
    {
        if (_state.TryGetValue(key, out var t)) return t;
        t = zeros_like(like).DetachFromDisposeScope();
        _state[key] = t;
        return t;
    }

    /// <summary>The optimizer's tensors by name, plus its step count, for a checkpoint.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var dict = _state.ToDictionary(kv => kv.Key, kv => kv.Value);
        dict["__steps"] = tensor(new long[] { _steps });
        return dict;
    }

    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, Device device)
    {
        foreach (var t in _state.Values) t.Dispose();
        _state.Clear();
        foreach (var (key, value) in state)
        {
            if (key == "__steps") _steps = value.to(CPU).item<long>();
            else _state[key] = value.to(device).detach().clone().DetachFromDisposeScope();
        }
    }

    public void Dispose()
    {
        foreach (var t in _state.Values) t.Dispose();
        _state.Clear();
    }
}
