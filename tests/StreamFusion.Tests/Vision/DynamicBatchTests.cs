using Microsoft.ML.OnnxRuntime;
using StreamFusion.Inference;

namespace StreamFusion.Tests.Vision;

/// <summary>YOLOX-nano exported with batch 1, edited to take any batch: the same numbers, several frames per run.</summary>
public class DynamicBatchTests
{
    [Fact]
    public void The_batch_1_yolox_export_runs_two_frames_at_once_with_the_same_outputs()
    {
        var original = File.ReadAllBytes(TestAssets.Path("models/yolox_nano.onnx"));
        var edited = DynamicBatch.TryRewrite(original);

        Assert.NotNull(edited);
        using var session = new InferenceSession(edited);
        Assert.Equal([-1, 3, 416, 416], session.InputMetadata["images"].Dimensions);
        using var single = new InferenceSession(original);
        var size = 3 * 416 * 416;
        var random = new Random(3);
        var frames = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, size).Select(_ => (float)random.Next(256)).ToArray()).ToArray();

        var batch = new float[2 * size];
        frames[0].CopyTo(batch, 0);
        frames[1].CopyTo(batch, size);
        using var batchInput = OrtValue.CreateTensorValueFromMemory(batch, [2, 3, 416, 416]);
        using var batchOutput = session.Run(new RunOptions(), ["images"], [batchInput], ["output"]);
        var together = batchOutput[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(2 * 3549 * 85, together.Length);
        for (var i = 0; i < 2; i++)
        {
            using var input = OrtValue.CreateTensorValueFromMemory(frames[i], [1, 3, 416, 416]);
            using var output = single.Run(new RunOptions(), ["images"], [input], ["output"]);
            var alone = output[0].GetTensorDataAsSpan<float>();
            var part = together.AsSpan(i * 3549 * 85, 3549 * 85);
            var worst = 0f;
            for (var k = 0; k < alone.Length; k++) worst = Math.Max(worst, Math.Abs(alone[k] - part[k]));
            Assert.True(worst < 1e-3, $"frame {i}: largest difference {worst}");
        }
    }

    [Fact]
    public void A_model_without_the_pattern_is_left_alone()
    {
        Assert.Null(DynamicBatch.TryRewrite(File.ReadAllBytes(TestAssets.Path("models/silero_vad.onnx"))));
        Assert.Null(DynamicBatch.TryRewrite([1, 2, 3]));
    }
}
