package dev.sealpost.conformance.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.sealpost.conformance.proto.ConformanceRequest;
import dev.sealpost.conformance.proto.ConformanceResponse;
import java.nio.charset.StandardCharsets;

/** The proto3 JSON mapping of the protocol messages, as both sides write and read them. */
public final class ProtoJson {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private ProtoJson() {}

  public static byte[] encode(ConformanceRequest m) {
    return print(m);
  }

  public static byte[] encode(ConformanceResponse m) {
    return print(m);
  }

  public static ConformanceRequest request(byte[] json) throws InvalidProtocolBufferException {
    ConformanceRequest.Builder b = ConformanceRequest.newBuilder();
    PARSER.merge(new String(json, StandardCharsets.UTF_8), b);
    return b.build();
  }

  public static ConformanceResponse response(byte[] json) throws InvalidProtocolBufferException {
    ConformanceResponse.Builder b = ConformanceResponse.newBuilder();
    PARSER.merge(new String(json, StandardCharsets.UTF_8), b);
    return b.build();
  }

  /** Human-readable JSON of any protocol message, for failure details. */
  public static String pretty(com.google.protobuf.MessageOrBuilder m) {
    try {
      return JsonFormat.printer().print(m);
    } catch (InvalidProtocolBufferException e) {
      return m.toString();
    }
  }

  private static byte[] print(com.google.protobuf.MessageOrBuilder m) {
    try {
      return PRINTER.print(m).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + m.getClass().getSimpleName(), e);
    }
  }
}
