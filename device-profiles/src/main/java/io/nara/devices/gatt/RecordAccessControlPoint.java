package io.nara.devices.gatt;

import io.nara.devices.DecodeException;

/**
 * Record Access Control Point, characteristic 0x2A52 (Glucose, CGM, PLX, weight and BP devices with stored records):
 * the hub writes requests and the device indicates responses.
 */
public final class RecordAccessControlPoint {

    public static final int UUID16 = 0x2A52;

    public static final int OP_REPORT_STORED_RECORDS = 0x01;
    public static final int OP_DELETE_STORED_RECORDS = 0x02;
    public static final int OP_ABORT = 0x03;
    public static final int OP_REPORT_NUMBER_OF_RECORDS = 0x04;
    public static final int OP_NUMBER_OF_RECORDS_RESPONSE = 0x05;
    public static final int OP_RESPONSE_CODE = 0x06;

    private static final int OPERATOR_NULL = 0x00;
    private static final int OPERATOR_ALL = 0x01;
    private static final int OPERATOR_GREATER_OR_EQUAL = 0x03;
    private static final int OPERATOR_FIRST = 0x05;
    private static final int OPERATOR_LAST = 0x06;
    private static final int FILTER_SEQUENCE_NUMBER = 0x01;

    private RecordAccessControlPoint() {}

    /** Which records a request is about. */
    public sealed interface Selection permits All, First, Last, FromSequence {}

    public record All() implements Selection {}

    public record First() implements Selection {}

    public record Last() implements Selection {}

    /** Records with a sequence number at or above {@code sequenceNumber}: how the hub fetches only what is new. */
    public record FromSequence(int sequenceNumber) implements Selection {
        public FromSequence {
            if (sequenceNumber < 0 || sequenceNumber > 0xFFFF) {
                throw new IllegalArgumentException("sequence number " + sequenceNumber + " is outside 0..65535");
            }
        }
    }

    public static byte[] reportStoredRecords(Selection which) {
        return request(OP_REPORT_STORED_RECORDS, which);
    }

    /** Deletes records: the hub sends this only after the records are in its outbox. */
    public static byte[] deleteStoredRecords(Selection which) {
        return request(OP_DELETE_STORED_RECORDS, which);
    }

    public static byte[] reportNumberOfRecords(Selection which) {
        return request(OP_REPORT_NUMBER_OF_RECORDS, which);
    }

    public static byte[] abort() {
        return new byte[] {OP_ABORT, OPERATOR_NULL};
    }

    private static byte[] request(int opCode, Selection which) {
        if (which instanceof FromSequence from) {
            return new byte[] {
                (byte) opCode,
                OPERATOR_GREATER_OR_EQUAL,
                FILTER_SEQUENCE_NUMBER,
                (byte) from.sequenceNumber(),
                (byte) (from.sequenceNumber() >> 8)
            };
        }
        int operator = which instanceof All ? OPERATOR_ALL : which instanceof First ? OPERATOR_FIRST : OPERATOR_LAST;
        return new byte[] {(byte) opCode, (byte) operator};
    }

    /** What a device indicated on the RACP. */
    public sealed interface Response permits NumberOfRecords, ResponseCode {}

    public record NumberOfRecords(int count) implements Response {}

    /**
     * The outcome of a request.
     *
     * @param requestOpCode the request's op code
     * @param code          the response code value
     */
    public record ResponseCode(int requestOpCode, Code code) implements Response {
        public boolean success() {
            return code == Code.SUCCESS;
        }
    }

    /** Response code values; NO_RECORDS_FOUND is a normal answer when nothing new was stored. */
    public enum Code {
        SUCCESS,
        OP_CODE_NOT_SUPPORTED,
        INVALID_OPERATOR,
        OPERATOR_NOT_SUPPORTED,
        INVALID_OPERAND,
        NO_RECORDS_FOUND,
        ABORT_UNSUCCESSFUL,
        PROCEDURE_NOT_COMPLETED,
        OPERAND_NOT_SUPPORTED
    }

    public static Response parseResponse(byte[] value) throws DecodeException {
        ByteCursor in = new ByteCursor(value);
        int opCode = in.uint8("op code");
        int operator = in.uint8("operator");
        if (operator != OPERATOR_NULL) {
            throw new DecodeException("RACP response: operator must be 0 (null) but is " + operator);
        }
        switch (opCode) {
            case OP_NUMBER_OF_RECORDS_RESPONSE:
                // Glucose and PLX send a uint16 count; CGM-style devices may send uint32.
                return new NumberOfRecords(
                        in.remaining() >= 4
                                ? (int) Math.min(in.uint32("number of records"), Integer.MAX_VALUE)
                                : in.uint16("number of records"));
            case OP_RESPONSE_CODE:
                int request = in.uint8("request op code");
                int code = in.uint8("response code value");
                if (code < 1 || code > Code.values().length) {
                    throw new DecodeException("RACP response code value " + code + " is reserved (1..9 are defined)");
                }
                return new ResponseCode(request, Code.values()[code - 1]);
            default:
                throw new DecodeException(String.format("RACP: op code 0x%02X is not a response", opCode));
        }
    }
}
