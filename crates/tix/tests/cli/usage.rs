//! Errors a user can act on (with hints and exit codes) and help that
//! teaches the concepts.

use crate::harness::Tix;

#[test]
fn bad_inputs_give_errors_with_hints() {
    let tix = Tix::new();
    // Nothing listens on port 1: a clear connection error, never the password.
    let pg = tix.fails(&["--database", "postgres://tix:secret@127.0.0.1:1/tix", "list"]);
    assert!(pg.stderr.contains("cannot connect to PostgreSQL"), "{}", pg.stderr);
    assert!(!pg.stderr.contains("secret"), "password printed: {}", pg.stderr);

    let file = tix.write("broken.yaml", "name: x\nboard_config:\n  colums: []\n");
    let broken = tix.fails(&["workflow", "create", "--file", &file]);
    assert!(
        broken.stderr.contains("broken.yaml") && broken.stderr.contains("hint: "),
        "{}",
        broken.stderr
    );

    tix.create_workflow();
    let missing = tix.fails(&["show", "ticket-nothere"]);
    assert!(
        missing.stderr.contains("not found") && missing.stderr.contains("hint: "),
        "{}",
        missing.stderr
    );
    let bad_type = tix.fails(&["create", "X", "-t", "epic"]);
    assert!(
        bad_type.stderr.contains("component, bug, feature"),
        "{}",
        bad_type.stderr
    );

    let unreachable = tix.fails(&["--server", "http://127.0.0.1:9", "list"]);
    assert!(
        unreachable.stderr.contains("cannot reach the Tix server"),
        "{}",
        unreachable.stderr
    );

    // Usage errors are clap's: exit 2.
    assert_eq!(tix.run(&["move", "ticket-x"]).code, Some(2));
    assert_eq!(tix.run(&["list", "--blocked", "--unblocked"]).code, Some(2));
}

#[test]
fn help_teaches_the_concepts() {
    let tix = Tix::new();
    let top = tix.ok(&["--help"]);
    for word in [
        "workflow", "board", "blocked", "ready", "claim", "lease", "--server", "--json",
    ] {
        assert!(top.contains(word), "`tix --help` does not mention {word}:\n{top}");
    }
    let subcommands: &[(&[&str], &str)] = &[
        (&["serve"], "--demo"),
        (&["workflow"], "board"),
        (&["workflow", "create"], "initial_status"),
        (&["workflow", "list"], "workflows"),
        (&["workflow", "show"], "columns"),
        (&["create"], "--blocked-by"),
        (&["list"], "--cursor"),
        (&["show"], "history"),
        (&["edit"], "--if-version"),
        (&["move"], "done column"),
        (&["comment"], "comment"),
        (&["resolve"], "unblock"),
        (&["block"], "resolved before"),
        (&["unblock"], "--by"),
        (&["ready"], "unblocked"),
        (&["claim"], "lease"),
        (&["graph"], "--depth"),
        (&["import"], "batches"),
    ];
    for (args, word) in subcommands {
        let mut all = args.to_vec();
        all.push("--help");
        let help = tix.ok(&all);
        assert!(
            help.contains(word),
            "`tix {} --help` does not mention {word}:\n{help}",
            args.join(" ")
        );
    }
}
