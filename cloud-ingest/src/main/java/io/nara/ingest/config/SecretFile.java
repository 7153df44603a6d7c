package io.nara.ingest.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a secret (a password, a key) from a file, or says exactly why it cannot. */
public final class SecretFile {

    private SecretFile() {}

    /**
     * The file's content without surrounding white space.
     *
     * @param option the setting that named the file, for the message
     * @throws ConfigurationException when the file is missing, unreadable, a folder or empty
     */
    public static String read(Path file, String option) {
        if (file == null) {
            throw new ConfigurationException(option + " is not set");
        }
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigurationException(option + ": " + file + " is a folder, not a file");
            }
            String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (secret.isEmpty()) {
                throw new ConfigurationException(option + ": " + file + " is empty");
            }
            return secret;
        } catch (NoSuchFileException e) {
            throw new ConfigurationException(option + ": " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new ConfigurationException(option + ": " + file + " cannot be read by user "
                    + System.getProperty("user.name") + " (permission denied)");
        } catch (MalformedInputException e) {
            throw new ConfigurationException(option + ": " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigurationException(option + ": " + file + " cannot be read: " + e);
        }
    }
}
