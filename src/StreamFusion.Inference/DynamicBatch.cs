using System.Buffers.Binary;
using static StreamFusion.Inference.OnnxProtobuf;

namespace StreamFusion.Inference;

/// <summary>
/// Makes a model exported with a fixed batch of 1 accept any batch, when that is safe to do by editing it: every
/// graph input and output has batch 1 as its first dimension, and every Reshape takes its shape from an
/// initializer whose first entry is that batch of 1. The inputs and outputs get a symbolic batch "N", those
/// Reshapes copy the batch from their input (0 in ONNX), and the recorded intermediate shapes are dropped so
/// ONNX Runtime infers them afresh. YOLOX exports (three head Reshapes to [1,85,-1]) qualify.
/// </summary>
public static class DynamicBatch
{
    /// <returns>the edited model, or null when the model does not fit the pattern (or already has a free batch)</returns>
    public static byte[]? TryRewrite(byte[] model)
    {
        try
        {
            var fields = Parse(model);
            var graphIndex = fields.FindIndex(f => f.Number == ModelGraph);
            if (graphIndex < 0) return null;
            var graph = Rewrite(Parse(fields[graphIndex].Bytes));
            if (graph is null) return null;
            fields[graphIndex] = Field.Message(ModelGraph, graph);
            return Serialize(fields);
        }
        catch (Exception e) when (e is InvalidDataException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static byte[]? Rewrite(List<Field> graph)
    {
        var reshapeShapes = graph.Where(f => f.Number == GraphNode).Select(f => Parse(f.Bytes))
            .Where(node => node.Any(f => f.Number == NodeOpType && f.Text == "Reshape"))
            .Select(node => node.Where(f => f.Number == NodeInput).ElementAtOrDefault(1)?.Text)
            .OfType<string>().ToHashSet();
        var patched = 0;
        var edited = new List<Field>();
        foreach (var field in graph)
        {
            switch (field.Number)
            {
                case GraphValueInfo:
                    continue; // shapes recorded for batch 1
                case GraphInput or GraphOutput:
                    if (WithFreeBatch(field.Bytes) is not { } valueInfo) return null;
                    edited.Add(Field.Message(field.Number, valueInfo));
                    continue;
                case GraphInitializer:
                    var tensor = Parse(field.Bytes);
                    if (tensor.FirstOrDefault(f => f.Number == TensorName)?.Text is { } name && reshapeShapes.Contains(name))
                    {
                        if (BatchCopiedShape(tensor) is not { } shape) return null;
                        edited.Add(Field.Message(GraphInitializer, shape));
                        patched++;
                        continue;
                    }
                    break;
            }
            edited.Add(field);
        }
        return patched == reshapeShapes.Count && patched > 0 ? Serialize(edited) : null;
    }

    /// <summary>A value's type with its first dimension, a fixed 1, made the symbol "N".</summary>
    private static byte[]? WithFreeBatch(ReadOnlyMemory<byte> valueInfo)
    {
        return Edit(valueInfo, ValueInfoType, type => Edit(type, TypeTensor, tensor => Edit(tensor, TensorTypeShape, shape =>
        {
            var dims = Parse(shape);
            var first = dims.FindIndex(f => f.Number == ShapeDim);
            if (first < 0) return null;
            var dim = Parse(dims[first].Bytes);
            if (dim is not [{ Number: DimValue, Value: 1 }]) return null;
            dims[first] = Field.Message(ShapeDim, Serialize([new Field(DimParam, LengthDelimited, 0, "N"u8.ToArray())]));
            return Serialize(dims);
        })));
    }

    /// <summary>An int64 shape [1, ...] as [0, ...]: the batch is copied from the Reshape's input.</summary>
    private static byte[]? BatchCopiedShape(List<Field> tensor)
    {
        if (tensor.FirstOrDefault(f => f.Number == TensorDataType) is not { Value: ElementInt64 }) return null;
        if (tensor.Count(f => f.Number == TensorDims) != 1) return null; // a 1-D shape tensor
        var raw = tensor.FindIndex(f => f.Number == TensorRawData);
        if (raw >= 0)
        {
            var values = tensor[raw].Bytes.ToArray();
            if (values.Length < 8 || BinaryPrimitives.ReadInt64LittleEndian(values) != 1) return null;
            BinaryPrimitives.WriteInt64LittleEndian(values, 0);
            tensor[raw] = tensor[raw] with { Bytes = values };
            return Serialize(tensor);
        }
        var first = tensor.FindIndex(f => f.Number == TensorInt64Data);
        if (first < 0 || tensor[first].WireType != Varint || tensor[first].Value != 1) return null; // packed int64_data is left alone
        tensor[first] = tensor[first] with { Value = 0 };
        return Serialize(tensor);
    }

    /// <summary>Replaces the single length-delimited field <paramref name="number"/> of a message by an edited copy.</summary>
    private static byte[]? Edit(ReadOnlyMemory<byte> message, int number, Func<ReadOnlyMemory<byte>, byte[]?> edit)
    {
        var fields = Parse(message);
        var index = fields.FindIndex(f => f.Number == number);
        if (index < 0 || edit(fields[index].Bytes) is not { } edited) return null;
        fields[index] = Field.Message(number, edited);
        return Serialize(fields);
    }
}
