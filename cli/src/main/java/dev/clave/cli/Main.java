package dev.clave.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code clave} command line. Exit codes: 0 success, 1 refused/failed check, 2 usage or input error. */
@Command(
    name = "clave",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Clave: confidential-computing control plane (attestation, configuration, secrets).",
    subcommands = {
      QuickstartCommand.class,
      QuoteCommand.class,
      SimCommand.class,
      SessionCommand.class,
      CertCommand.class,
      CasCommand.class,
      LasCommand.class,
      PlatformsCommand.class,
      RunCommand.class,
      SgxPluginCommand.class,
      OperatorCommand.class,
      BackupControllerCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Runs the CLI without exiting, writing to the given streams (tests use this). */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cmd = commandLine();
    cmd.setOut(out);
    cmd.setErr(err);
    return cmd.execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Main());
    cmd.setExecutionExceptionHandler(new Errors.Handler());
    cmd.setParameterExceptionHandler(new Errors.UsageHandler());
    // `clave run PROGRAM --flag`: everything from PROGRAM on belongs to the program, not to clave.
    cmd.getSubcommands().get("run").setStopAtPositional(true);
    return cmd;
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"clave " + (v == null ? "dev" : v)};
    }
  }
}
