// Node-RED settings for the side-by-side peer measurement (load-tools/node-red/peer.sh writes the real file).
module.exports = {
    uiHost: "127.0.0.1",
    uiPort: @UI_PORT@,
    flowFile: "flows.json",
    // The InfluxDB password is written to flows_cred.json in clear text inside the run's own state folder.
    credentialSecret: false,
    logging: { console: { level: "info", metrics: false, audit: false } },
    editorTheme: { tours: false }
};
