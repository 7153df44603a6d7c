package io.nara.ingest.auth;

import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.db.Database;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Creates a personal operator account from the command line: the way in for the first operator of a new installation
 * (nobody can sign in yet to create one), and for later ones. {@code java -cp nara-cloud-ingest.jar
 * io.nara.ingest.auth.OperatorCommand add --pg-url .. --pg-user .. --pg-password-file .. --id drift-olle --name "Olle
 * Drift" --username olle --password-file F}. Needs the database's credentials, so only whoever runs the service can
 * use it. The password must pass {@link PasswordPolicy}. Recorded in the access log as {@code command-line}.
 */
@Command(
        name = "nara-operator",
        mixinStandardHelpOptions = true,
        description = "Operator accounts of the Nära cloud.",
        subcommands = {OperatorCommand.Add.class})
public final class OperatorCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    @Command(name = "add", description = "Add a personal operator account (it signs in on the web app like the staff).")
    static final class Add implements Callable<Integer> {
        @CommandLine.ParentCommand
        OperatorCommand parent;

        @Option(names = "--pg-url", required = true, description = "JDBC URL of PostgreSQL.")
        String pgUrl;

        @Option(names = "--pg-user", required = true)
        String pgUser;

        @Option(names = "--pg-password-file", required = true)
        Path pgPasswordFile;

        @Option(names = "--id", required = true, description = "The person's id, e.g. drift-olle.")
        String id;

        @Option(names = "--name", required = true, description = "The person's name, as the access log shows it.")
        String name;

        @Option(names = "--username", required = true)
        String username;

        @Option(names = "--password-file", required = true, description = "File holding the first password.")
        Path passwordFile;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = parent.spec.commandLine().getOut();
            PrintWriter err = parent.spec.commandLine().getErr();
            String password =
                    Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
            List<PasswordPolicy.Problem> problems = PasswordPolicy.check(password, username, name, null);
            if (!problems.isEmpty()) {
                err.println("the password in " + passwordFile + " is refused: "
                        + problems.stream().map(PasswordPolicy.Problem::en).collect(Collectors.joining("; ")));
                err.flush();
                return 2;
            }
            Vertx vertx = Vertx.vertx();
            Database db = Database.open(
                    vertx,
                    new Database.Settings(
                            pgUrl,
                            pgUser,
                            Files.readString(pgPasswordFile, StandardCharsets.UTF_8)
                                    .strip()));
            try {
                String problem = db.transaction(c -> add(c, id, name, username, password))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(60, TimeUnit.SECONDS);
                if (problem != null) {
                    err.println(problem);
                    err.flush();
                    return 2;
                }
                out.println("operator " + username + " (" + id + ") added; sign in on the web app");
                out.flush();
                return 0;
            } finally {
                db.close();
                vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            }
        }
    }

    /** Inserts the account; the reason it cannot, or null when it was added. */
    static String add(Connection c, String id, String name, String username, String password) throws SQLException {
        for (String sql : List.of(
                "SELECT 1 FROM person WHERE id = ? OR username = ?",
                "SELECT 1 FROM relative WHERE ref = ? OR username = ?")) {
            try (PreparedStatement q = c.prepareStatement(sql)) {
                q.setString(1, id);
                q.setString(2, username);
                try (ResultSet r = q.executeQuery()) {
                    if (r.next()) {
                        return "the id " + id + " or the user name " + username + " is taken";
                    }
                }
            }
        }
        try (PreparedStatement i = c.prepareStatement("INSERT INTO person (id, organisation_id, name, username, "
                + "password_hash, operator) VALUES (?, NULL, ?, ?, ?, true)")) {
            i.setString(1, id);
            i.setString(2, name);
            i.setString(3, username);
            i.setString(4, Passwords.hash(password));
            i.executeUpdate();
        }
        AccessLog.record(c, "command-line", "operator.added", List.of(), "person:" + id);
        return null;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new OperatorCommand()).execute(args));
    }
}
