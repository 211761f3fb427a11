package dev.clave.runtime;

import dev.clave.policy.ServiceEvaluation.RuntimeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Exactly what is started: the measured executable, the arguments after {@code argv[0]}, the whole
 * environment and the working directory, derived from the delivered configuration by the rules of the
 * package overview. Holds secrets: {@link #toString()} shows none.
 *
 * @param arguments {@code argv[1..]}; {@code argv[0]} is the executable's path
 */
public record LaunchPlan(Path executable, List<String> arguments, Map<String, String> environment, Path workingDirectory) {
  /** Tells the program where its injected files are (set only when files were injected). */
  public static final String ROOT_VARIABLE = "CLAVE_ROOT";

  public LaunchPlan {
    arguments = List.copyOf(arguments);
    environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
  }

  /**
   * The plan for running {@code program} with {@code config}, whose files are already placed in {@code root}
   * (null when there are none).
   *
   * @param warnings receives lines for the user (no secrets)
   * @throws RunFailure ({@link ExitCodes#CONFIGURATION}) when the configuration cannot be applied here
   */
  static LaunchPlan of(MeasuredProgram program, RuntimeConfig config, PrivateRoot root, List<String> warnings)
      throws RunFailure {
    PathRewriter rewriter = root == null ? new PathRewriter(List.of(), "")
        : new PathRewriter(root.placed(), root.root().toString());
    List<String> args = new ArrayList<>();
    for (String a : config.argv().subList(1, config.argv().size())) {
      args.add(rewriter.rewrite(a));
    }
    Map<String, String> env = new LinkedHashMap<>();
    config.environment().forEach((k, v) -> env.put(k, rewriter.rewrite(v)));
    if (root != null) {
      if (env.containsKey(ROOT_VARIABLE)) {
        warnings.add("the policy sets " + ROOT_VARIABLE + "; clave run replaces it with the injected files' directory");
      }
      env.put(ROOT_VARIABLE, root.root().toString());
    }
    Path work = workingDirectory(config.pwd(), root);
    if (program.javaJar()) {
      checkJar(program, args, work);
    }
    return new LaunchPlan(program.executable(), args, env, work);
  }

  /**
   * The policy's {@code pwd} inside the private root when the injected files made that directory there;
   * else {@code pwd} on the host, which must be a directory.
   */
  private static Path workingDirectory(String pwd, PrivateRoot root) throws RunFailure {
    if (root != null && !root.placed().isEmpty()) {
      Path mapped = root.map(pwd);
      if (Files.isDirectory(mapped)) {
        return mapped;
      }
    }
    Path host = Path.of(pwd);
    if (!Files.isDirectory(host)) {
      throw new RunFailure(ExitCodes.CONFIGURATION, "the policy's working directory (pwd) " + "`" + Printable.line(pwd, 300)
          + "` is not a directory on this host, and no injected file lies in it");
    }
    return host;
  }

  /**
   * A jar's MRENCLAVE vouches for that jar only: the delivered command line must run the same file with
   * {@code -jar}, or the program started would not be the one attested.
   */
  private static void checkJar(MeasuredProgram program, List<String> args, Path work) throws RunFailure {
    Optional<String> jar;
    try {
      jar = JavaLauncherArgs.jar(args);
    } catch (JavaLauncherArgs.Unreadable e) {
      throw new RunFailure(ExitCodes.CONFIGURATION, "the policy's command cannot be checked against the measured jar: " + e.getMessage());
    }
    if (jar.isEmpty()) {
      throw new RunFailure(ExitCodes.CONFIGURATION, "clave run measured the jar " + program.measured()
          + ", but the policy's command does not run java with -jar; write the command as `java [OPTIONS] -jar JAR …`");
    }
    Path named = work.resolve(jar.get());
    boolean same;
    try {
      same = Files.isSameFile(named, program.measured());
    } catch (IOException e) {
      same = false;
    }
    if (!same) {
      throw new RunFailure(ExitCodes.CONFIGURATION, "the policy's command runs the jar `" + Printable.line(jar.get(), 300)
          + "` (in " + work + "), but clave run measured " + program.measured() + "; they must be the same file");
    }
  }

  @Override
  public String toString() {
    return "LaunchPlan[" + executable + ", " + arguments.size() + " args, env " + environment.keySet() + ", in " + workingDirectory + "]";
  }
}
