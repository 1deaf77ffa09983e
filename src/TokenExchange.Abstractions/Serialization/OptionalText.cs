using System.Buffers;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.WireProtocol;

namespace TokenExchange.Abstractions.Serialization;

/// <summary>
/// A text member added to a surrogate after its bytes were stored: a null one writes no field at all (<see cref="OptionalTextCodec"/>),
/// so a record without it keeps the bytes it had, and bytes without it read as null. Such a member takes the surrogate's
/// highest id: a field that is sometimes absent must be the last, or the next field's id delta would name it.
/// </summary>
public sealed record OptionalText(string Value)
{
    public static OptionalText? From(string? value) => value is null ? null : new OptionalText(value);
}

/// <summary>Writes an <see cref="OptionalText"/> as a plain string field, and nothing for null.</summary>
[RegisterSerializer]
public sealed class OptionalTextCodec : IFieldCodec<OptionalText>
{
    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, OptionalText? value)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (value is null) return;
        StringCodec.WriteField(ref writer, fieldIdDelta, value.Value);
    }

    // Never written as a null reference, but read as the absent value should one arrive.
    public OptionalText ReadValue<TInput>(ref Reader<TInput> reader, Field field) => StringCodec.ReadValue(ref reader, field) is { } text ? new(text) : null!;
}

/// <summary><see cref="OptionalText"/> is immutable.</summary>
[RegisterCopier]
public sealed class OptionalTextCopier : ShallowCopier<OptionalText>;
