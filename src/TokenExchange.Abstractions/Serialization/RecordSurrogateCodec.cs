using System.Buffers;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.GeneratedCodeHelpers;
using Orleans.Serialization.Serializers;
using Orleans.Serialization.WireProtocol;

namespace TokenExchange.Abstractions.Serialization;

/// <summary>
/// Serializes one of Core's records through its surrogate struct, byte for byte as the codec Orleans generated
/// for the record when it carried <c>[GenerateSerializer]</c>.
/// </summary>
/// <remarks>
/// Why surrogates: Core stays free of Orleans, so its rules and bench/CorePipeline run without a silo, while grain
/// state already stored in PostgreSQL or SQLite and the messages of silos of the previous version keep their bytes
/// (docs/architecture.md, section 3, "Serialization"). Orleans' own <c>SurrogateCodec</c> writes only the surrogate's
/// fields; a generated class codec first writes an end-of-base-fields marker. This codec writes and expects that
/// marker, and otherwise does what <c>SurrogateCodec</c> does (reference tracking, unexpected types).
/// </remarks>
public abstract class RecordSurrogateCodec<TRecord, TSurrogate, TConverter>(IValueSerializer<TSurrogate> surrogates) : IFieldCodec<TRecord>
    where TRecord : class
    where TSurrogate : struct
    where TConverter : IConverter<TRecord, TSurrogate>, new()
{
    private static readonly Type RecordType = typeof(TRecord);
    private static readonly TConverter Converter = new();

    public virtual void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, TRecord? value)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (ReferenceCodec.TryWriteReferenceField(ref writer, fieldIdDelta, expectedType, value)) return;

        writer.WriteStartObject(fieldIdDelta, expectedType, RecordType);
        writer.WriteEndBase();
        var surrogate = Converter.ConvertToSurrogate(value!);
        surrogates.Serialize(ref writer, ref surrogate);
        writer.WriteEndObject();
    }

    public TRecord ReadValue<TInput>(ref Reader<TInput> reader, Field field)
    {
        if (field.IsReference) return ReferenceCodec.ReadReference<TRecord, TInput>(ref reader, field)!;
        if (field.FieldType is not null && field.FieldType != RecordType) return reader.DeserializeUnexpectedType<TInput, TRecord>(ref field);

        field.EnsureWireTypeTagDelimited();
        var placeholder = ReferenceCodec.CreateRecordPlaceholder(reader.Session);
        TSurrogate surrogate = default;
        Field header = default;
        reader.ReadFieldHeader(ref header);
        reader.ConsumeEndBaseOrEndObject(ref header);
        if (header.IsEndBaseFields) surrogates.Deserialize(ref reader, ref surrogate);

        var result = Converter.ConvertFromSurrogate(in surrogate);
        ReferenceCodec.RecordObject(reader.Session, result, placeholder);
        return result;
    }
}

/// <summary>
/// As <see cref="RecordSurrogateCodec{TRecord, TSurrogate, TConverter}"/>, except that a null value writes no field at
/// all: an optional record added to a stored definition this way leaves the bytes of everything stored without it as
/// they were, and those read it as null.
/// </summary>
/// <remarks>
/// Orleans writes each field's id as a delta from the id of the field written before it, fixed when the surrogate's
/// codec is generated. A field after an omitted one is therefore read under the wrong id: an omitted field must be the
/// surrogate's last, or the converter must write the fields before it whenever it writes one after them (as
/// <c>AppDefinitionConverter</c> does for the transaction token policy before the client assertions).
/// </remarks>
public abstract class OmittedWhenNullCodec<TRecord, TSurrogate, TConverter>(IValueSerializer<TSurrogate> surrogates)
    : RecordSurrogateCodec<TRecord, TSurrogate, TConverter>(surrogates)
    where TRecord : class
    where TSurrogate : struct
    where TConverter : IConverter<TRecord, TSurrogate>, new()
{
    public override void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, TRecord? value)
    {
        if (value is not null) base.WriteField(ref writer, fieldIdDelta, expectedType, value);
    }
}
