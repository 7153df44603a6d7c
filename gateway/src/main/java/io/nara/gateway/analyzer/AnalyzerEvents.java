package io.nara.gateway.analyzer;

/** What the analyzer sessions report to the hub's status (and to tests). All methods may be called on any thread. */
public interface AnalyzerEvents {

    AnalyzerEvents NONE = new AnalyzerEvents() {};

    default void connected(String deviceId, boolean connected) {}

    default void messageReceived(String deviceId) {}

    default void frameRejected(String deviceId) {}

    default void resultsStored(String deviceId, int entries) {}
}
