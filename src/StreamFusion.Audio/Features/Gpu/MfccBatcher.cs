using StreamFusion.Inference;

namespace StreamFusion.Audio.Features.Gpu;

/// <summary>
/// One set of MFCC kernels shared by every camera: the frames each camera hands in (a push of audio) wait in a
/// <see cref="BatchQueue{T}"/>, and everything waiting goes through the kernels in one pass.
/// </summary>
public sealed class MfccBatcher : IDisposable
{
    private readonly GpuMfcc _gpu;
    private readonly BatchQueue<Job> _queue;

    public MfccBatcher(GpuMfcc gpu, int maxBatch = 512)
    {
        _gpu = gpu;
        _queue = new BatchQueue<Job>(maxBatch, TimeSpan.Zero, Run);
    }

    public string Device => _gpu.Device;
    public double AverageBatch => _queue.AverageBatch;

    /// <summary>Every frame of <paramref name="signal"/>: cepstra [frames × cepstra] and log mel energies [frames × mel bins].</summary>
    public (float[] Cepstra, double[] LogMel) Compute(float[] signal)
    {
        var job = new Job(signal);
        _queue.Submit(job);
        return (job.Cepstra!, job.LogMel!);
    }

    private void Run(IReadOnlyList<Job> jobs)
    {
        var logMels = new double[jobs.Count][];
        var cepstra = _gpu.ComputeAll(jobs.Select(j => j.Signal).ToList(), logMels);
        for (var i = 0; i < jobs.Count; i++) (jobs[i].Cepstra, jobs[i].LogMel) = (cepstra[i], logMels[i]);
    }

    public void Dispose() => _gpu.Dispose();

    private sealed class Job(float[] signal)
    {
        public float[] Signal { get; } = signal;
        public float[]? Cepstra { get; set; }
        public double[]? LogMel { get; set; }
    }
}
