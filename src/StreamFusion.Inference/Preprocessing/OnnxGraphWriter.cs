using System.Buffers.Binary;
using static StreamFusion.Inference.OnnxProtobuf;

namespace StreamFusion.Inference.Preprocessing;

/// <summary>
/// Writes a small ONNX model (one graph, default domain) from nodes, constants and typed inputs and outputs, as
/// protobuf bytes an <c>InferenceSession</c> loads: enough for the preprocessing graphs built in code.
/// </summary>
internal sealed class OnnxGraphWriter(int opset)
{
    private const int IrVersion = 8; // ONNX 1.13, the first with opset 18
    // Attributes (onnx.proto3), which only this writer uses; the other field numbers are OnnxProtobuf's.
    private const int AttributeName = 1, AttributeFloat = 2, AttributeInt = 3, AttributeString = 4, AttributeInts = 8, AttributeType = 20;
    private const int TypeFloat = 1, TypeInt = 2, TypeString = 3, TypeInts = 7;

    private readonly List<Field> _graph = [];
    private int _nodes;

    /// <summary>A graph input or output: dimensions are numbers or symbols (free, e.g. "N").</summary>
    public void Input(string name, int elementType, params object[] dims) => _graph.Add(Field.Message(GraphInput, ValueInfo(name, elementType, dims)));
    public void Output(string name, int elementType, params object[] dims) => _graph.Add(Field.Message(GraphOutput, ValueInfo(name, elementType, dims)));

    public void Constant(string name, long[] dims, float[] values)
    {
        var raw = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        _graph.Add(Field.Message(GraphInitializer, Tensor(name, dims, ElementFloat, raw)));
    }

    public void Constant(string name, long[] dims, long[] values)
    {
        var raw = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), values[i]);
        _graph.Add(Field.Message(GraphInitializer, Tensor(name, dims, ElementInt64, raw)));
    }

    /// <param name="inputs">input names in order; "" for an optional input left out</param>
    /// <param name="attributes">name → long, float, string or long[]</param>
    public void Node(string opType, string[] inputs, string output, params (string Name, object Value)[] attributes)
    {
        var fields = inputs.Select(i => Text(NodeInput, i)).Append(Text(NodeOutput, output))
            .Append(Text(NodeName, $"{opType}_{_nodes++}")).Append(Text(NodeOpType, opType))
            .Concat(attributes.Select(a => Field.Message(NodeAttribute, Attribute(a.Name, a.Value))));
        _graph.Add(Field.Message(GraphNode, Serialize(fields)));
    }

    public byte[] Build(string graphName) => Serialize([
        new Field(ModelIrVersion, Varint, IrVersion, default),
        Text(ModelProducer, "StreamFusion"),
        Field.Message(ModelGraph, Serialize(_graph.Prepend(Text(GraphName, graphName)))),
        Field.Message(ModelOpset, Serialize([new Field(OpsetVersion, Varint, (ulong)opset, default)])),
    ]);

    private static byte[] Attribute(string name, object value)
    {
        var fields = new List<Field> { Text(AttributeName, name) };
        switch (value)
        {
            case long i:
                fields.Add(new Field(AttributeInt, Varint, (ulong)i, default));
                fields.Add(new Field(AttributeType, Varint, TypeInt, default));
                break;
            case float f:
                var bits = new byte[4];
                BinaryPrimitives.WriteSingleLittleEndian(bits, f);
                fields.Add(new Field(AttributeFloat, Fixed32, 0, bits));
                fields.Add(new Field(AttributeType, Varint, TypeFloat, default));
                break;
            case string s:
                fields.Add(Text(AttributeString, s));
                fields.Add(new Field(AttributeType, Varint, TypeString, default));
                break;
            case long[] ints:
                fields.AddRange(ints.Select(i => new Field(AttributeInts, Varint, (ulong)i, default)));
                fields.Add(new Field(AttributeType, Varint, TypeInts, default));
                break;
            default:
                throw new ArgumentException($"attribute {name}: {value.GetType().Name} is not written");
        }
        return Serialize(fields);
    }

    private static byte[] Tensor(string name, long[] dims, int elementType, byte[] raw) => Serialize(
        dims.Select(d => new Field(TensorDims, Varint, (ulong)d, default))
            .Append(new Field(TensorDataType, Varint, (ulong)elementType, default))
            .Append(Text(TensorName, name))
            .Append(new Field(TensorRawData, LengthDelimited, 0, raw)));

    private static byte[] ValueInfo(string name, int elementType, object[] dims)
    {
        var shape = dims.Select(d => Field.Message(ShapeDim, Serialize([d switch
        {
            int n => new Field(DimValue, Varint, (ulong)n, default),
            string symbol => Text(DimParam, symbol),
            _ => throw new ArgumentException($"dimension {d}: a number or a symbol"),
        }])));
        var tensor = Serialize([new Field(TensorElemType, Varint, (ulong)elementType, default), Field.Message(TensorTypeShape, Serialize(shape))]);
        return Serialize([Text(ValueInfoName, name), Field.Message(ValueInfoType, Serialize([Field.Message(TypeTensor, tensor)]))]);
    }

    private static Field Text(int number, string text) => new(number, LengthDelimited, 0, System.Text.Encoding.UTF8.GetBytes(text));
}
