package org.dml4j.compress;

/**
 * How the float values of an update are carried on the wire. Updates store their values already rounded to the
 * format, so what a sender accumulates (error feedback) is exactly what a receiver decodes.
 *
 * <p>Conversions round to nearest, ties to even. Values beyond the format's finite range saturate to its largest
 * finite value (of the same sign) rather than becoming infinite; with error feedback the clipped part stays in the
 * residual. Thread-safe (stateless).
 */
public enum ValueFormat {
    /** IEEE 754 binary32, 4 bytes. */
    FP32(0, 4),
    /** IEEE 754 binary16, 2 bytes; largest finite value 65504. */
    FP16(1, 2),
    /** bfloat16 (the upper half of a binary32), 2 bytes. */
    BF16(2, 2);

    private static final float FP16_MAX = 65504f;
    private static final float BF16_MAX = Float.intBitsToFloat(0x7F7F0000);

    private final int code;
    private final int bytes;

    ValueFormat(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** @return the code written in the wire header */
    public int code() {
        return code;
    }

    /** @return bytes per value on the wire */
    public int bytes() {
        return bytes;
    }

    /**
     * @param code a wire code
     * @return the format, or null when the code is unknown
     */
    static ValueFormat ofCode(int code) {
        for (ValueFormat f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        return null;
    }

    /**
     * @param name {@code "fp32"}, {@code "fp16"} or {@code "bf16"} (case-insensitive); null means fp32
     * @param field config field name used in the error message
     * @return the format
     * @throws IllegalArgumentException when the name is unknown
     */
    public static ValueFormat parse(String name, String field) {
        if (name == null) {
            return FP32;
        }
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "fp32", "float32", "f32" -> FP32;
            case "fp16", "float16", "half", "f16" -> FP16;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new IllegalArgumentException(field + " must be one of fp32, fp16, bf16, got '" + name
                    + "'");
        };
    }

    /**
     * @param v a finite value
     * @return {@code v} rounded to this format (and back to float)
     */
    public float round(float v) {
        return switch (this) {
            case FP32 -> v;
            case FP16 -> Float.float16ToFloat(toFp16(v));
            case BF16 -> Float.intBitsToFloat((toBf16(v) & 0xFFFF) << 16);
        };
    }

    /** Rounds {@code v[off, off+n)} to this format in place. */
    void roundInPlace(float[] v, int off, int n) {
        if (this == FP32) {
            return;
        }
        for (int i = off; i < off + n; i++) {
            v[i] = round(v[i]);
        }
    }

    /**
     * @param v a finite value
     * @return its binary16 bits, saturated at ±65504
     */
    static short toFp16(float v) {
        float c = Math.max(-FP16_MAX, Math.min(FP16_MAX, v));
        return Float.floatToFloat16(c);
    }

    /**
     * @param v a finite value
     * @return its bfloat16 bits, rounded to nearest even and saturated at the largest finite bfloat16
     */
    static short toBf16(float v) {
        float c = Math.max(-BF16_MAX, Math.min(BF16_MAX, v));
        int bits = Float.floatToRawIntBits(c);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /** @return the bfloat16 {@code h} as a float */
    static float fromBf16(short h) {
        return Float.intBitsToFloat((h & 0xFFFF) << 16);
    }
}
