package dev.clave.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code session} group: commands on policy files (reference §4.3). */
@Command(
    name = "session",
    mixinStandardHelpOptions = true,
    description = "Work with policies (sessions).",
    subcommands = {
      SessionCheckCommand.class,
      SessionExplainCommand.class,
      SessionSignCommand.class,
      SessionVerifyCommand.class,
      SessionEncryptCommand.class,
      SessionRemoteCommands.Create.class,
      SessionRemoteCommands.Update.class,
      SessionRemoteCommands.Read.class,
      SessionRemoteCommands.Delete.class,
      SessionRemoteCommands.ListSessions.class
    })
final class SessionCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
