/**
 * The stream RPC between stream clients (brokers) and range servers: length-prefixed binary frames
 * with a header (magic, version, opcode, flags, request id, CRC32C of the payload) and one message
 * type per request and response.
 *
 * <p>Frame layout (big-endian):
 * <pre>
 *   int32  length        bytes after this field (header + payload)
 *   int8   magic         0xE5
 *   int8   version       frame format version, currently 1
 *   int16  opcode        {@link io.elasticstream.rangestore.protocol.Opcode}
 *   int16  flags         bit 0: response
 *   int64  requestId     chosen by the client, echoed by the server
 *   int32  payloadCrc    CRC32C of the payload
 *   bytes  payload       the message, see each message class
 * </pre>
 * Every response payload starts with an int16 {@link io.elasticstream.rangestore.protocol.Status};
 * when it is not OK, a UTF-8 message follows instead of the body. A frame with a bad magic, version
 * or CRC closes the connection. Requests on one connection may complete out of order; the request id
 * matches them.
 *
 * <p>Message classes are immutable except for the reference-counted {@code ByteBuf}s they carry
 * (the receiver releases them). Depends on Netty buffers and codecs only.
 */
package io.elasticstream.rangestore.protocol;
