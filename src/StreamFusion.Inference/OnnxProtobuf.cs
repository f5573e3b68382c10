namespace StreamFusion.Inference;

/// <summary>
/// Just enough of the protobuf wire format to edit an ONNX model: a message as its list of fields, and back.
/// Field payloads are kept as bytes, so whatever is not touched is written back exactly as it was.
/// </summary>
internal static class OnnxProtobuf
{
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    // ONNX field numbers (onnx.proto3) and tensor element types, for every reader and writer of models here.
    public const int ModelIrVersion = 1, ModelProducer = 2, ModelGraph = 7, ModelOpset = 8, OpsetVersion = 2;
    public const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12, GraphValueInfo = 13;
    public const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5;
    public const int TensorDims = 1, TensorDataType = 2, TensorInt64Data = 7, TensorName = 8, TensorRawData = 9;
    public const int ValueInfoName = 1, ValueInfoType = 2, TypeTensor = 1, TensorElemType = 1, TensorTypeShape = 2, ShapeDim = 1, DimValue = 1, DimParam = 2;
    public const int ElementFloat = 1, ElementUInt8 = 2, ElementInt64 = 7;

    public sealed record Field(int Number, int WireType, ulong Value, ReadOnlyMemory<byte> Bytes)
    {
        public static Field Message(int number, byte[] bytes) => new(number, LengthDelimited, 0, bytes);
        public string Text => System.Text.Encoding.UTF8.GetString(Bytes.Span);
    }

    public static List<Field> Parse(ReadOnlyMemory<byte> message)
    {
        var fields = new List<Field>();
        var span = message.Span;
        var position = 0;
        while (position < span.Length)
        {
            var tag = ReadVarint(span, ref position);
            var (number, wire) = ((int)(tag >> 3), (int)(tag & 7));
            switch (wire)
            {
                case Varint:
                    fields.Add(new Field(number, wire, ReadVarint(span, ref position), default));
                    break;
                case Fixed64:
                    fields.Add(new Field(number, wire, 0, message.Slice(position, 8)));
                    position += 8;
                    break;
                case Fixed32:
                    fields.Add(new Field(number, wire, 0, message.Slice(position, 4)));
                    position += 4;
                    break;
                case LengthDelimited:
                    var length = (int)ReadVarint(span, ref position);
                    fields.Add(new Field(number, wire, 0, message.Slice(position, length)));
                    position += length;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {wire} is not used by ONNX");
            }
        }
        return fields;
    }

    public static byte[] Serialize(IEnumerable<Field> fields)
    {
        using var output = new MemoryStream();
        foreach (var field in fields)
        {
            WriteVarint(output, ((ulong)field.Number << 3) | (uint)field.WireType);
            if (field.WireType == Varint) WriteVarint(output, field.Value);
            else
            {
                if (field.WireType == LengthDelimited) WriteVarint(output, (ulong)field.Bytes.Length);
                output.Write(field.Bytes.Span);
            }
        }
        return output.ToArray();
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }

    private static void WriteVarint(Stream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        output.WriteByte((byte)value);
    }
}
