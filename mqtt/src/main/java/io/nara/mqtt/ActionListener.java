package io.nara.mqtt;

import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;

/** Adapts Paho's listener to two lambdas. Runs on Paho's thread: callers hop to their own context. */
public record ActionListener(Runnable onSuccess, Consumer<Throwable> onFailure) implements MqttActionListener {

    @Override
    public void onSuccess(IMqttToken token) {
        onSuccess.run();
    }

    @Override
    public void onFailure(IMqttToken token, Throwable exception) {
        onFailure.accept(exception);
    }
}
