package io.nara.devices;

/**
 * A named deviation of one device model from its standard. The catalogue lists a model's quirks; decoders apply a quirk
 * only when the device's profile names it, so one device's bug never loosens parsing for everyone else.
 */
public enum Quirk {
    /**
     * A device whose clock was never set reports a factory default date instead of year 0 ("unknown"). Timestamps
     * before the profile's {@code clock.unsetBefore} date are treated as "clock not set".
     */
    UNSET_CLOCK_REPORTS_DEFAULT_DATE,
    /** The cuff sends a pulse rate of 0 instead of NaN when it could not measure the pulse. */
    PULSE_RATE_ZERO_MEANS_NOT_MEASURED,
    /** The cuff does not compute a mean arterial pressure and sends 0 instead of NaN. */
    MEAN_PRESSURE_ZERO_MEANS_NOT_MEASURED,
    /** The oximeter sends the PLX Device and Sensor Status as 16 bits instead of the specified 24. */
    PLX_SENSOR_STATUS_16_BIT,
    /** The instrument ends ASTM records with CR LF instead of CR inside the frame text. */
    ASTM_RECORDS_END_WITH_CRLF,
    /** The instrument puts its test code in the first component of the universal test id (INR^^^) not the fourth. */
    ASTM_TEST_CODE_IN_FIRST_COMPONENT
}
