package dev.clave.policy.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandSplitterTest {
  @Test
  void splitsAtWhitespace() throws Exception {
    assertThat(CommandSplitter.split("./prog arg1 @@1 @@2")).containsExactly("./prog", "arg1", "@@1", "@@2");
    assertThat(CommandSplitter.split("  python3\t/app/hello-world.py \n")).containsExactly("python3", "/app/hello-world.py");
    assertThat(CommandSplitter.split("scone cas register-backup -SCG @@3"))
        .containsExactly("scone", "cas", "register-backup", "-SCG", "@@3");
  }

  @Test
  void quotes() throws Exception {
    assertThat(CommandSplitter.split("mysql -e 'show databases;'")).containsExactly("mysql", "-e", "show databases;");
    assertThat(CommandSplitter.split("sh -c \"echo \\\"hi\\\" \\\\ \\n\"")).containsExactly("sh", "-c", "echo \"hi\" \\ \\n");
    assertThat(CommandSplitter.split("a 'no \\' b")).containsExactly("a", "no \\", "b");
    assertThat(CommandSplitter.split("--name=\"a b\"'c d'e")).containsExactly("--name=a bc de");
    assertThat(CommandSplitter.split("x '' \"\"")).containsExactly("x", "", "");
    assertThat(CommandSplitter.split("say \"it's\" 'a \"b\"'")).containsExactly("say", "it's", "a \"b\"");
    assertThat(CommandSplitter.split("C:\\dir \\@\\@1")).containsExactly("C:\\dir", "\\@\\@1");
    assertThat(CommandSplitter.split("echo '$$SCONE::pw$$'")).containsExactly("echo", "$$SCONE::pw$$");
  }

  @Test
  void errors() {
    assertThatThrownBy(() -> CommandSplitter.split("echo 'abc"))
        .isInstanceOf(SecretException.class)
        .hasMessage("command has an unterminated single quote at offset 5");
    assertThatThrownBy(() -> CommandSplitter.split("echo \"abc\\\""))
        .hasMessage("command has an unterminated double quote at offset 5");
    assertThatThrownBy(() -> CommandSplitter.split("echo a\0b")).hasMessage("command contains a NUL character at offset 6");
    assertThatThrownBy(() -> CommandSplitter.split("echo 'a\0b'")).hasMessage("command contains a NUL character at offset 7");
    assertThatThrownBy(() -> CommandSplitter.split("echo \"a\0b\"")).hasMessage("command contains a NUL character at offset 7");
    assertThatThrownBy(() -> CommandSplitter.split("   ")).hasMessage("command is empty");
    assertThatThrownBy(() -> CommandSplitter.split("a".repeat(CommandSplitter.MAX_LENGTH + 1)))
        .hasMessage("command is longer than 131072 characters");
  }

  @Test
  void listFormIsTakenAsIs() throws Exception {
    assertThat(CommandSplitter.fromList(List.of("mysql", "-e", "show databases;", " 'q' ")))
        .containsExactly("mysql", "-e", "show databases;", " 'q' ");
    assertThatThrownBy(() -> CommandSplitter.fromList(List.of("a", "b\0"))).hasMessage("command argument 1 contains a NUL character at offset 1");
    assertThatThrownBy(() -> CommandSplitter.fromList(List.of())).hasMessage("command is empty");
    assertThatThrownBy(() -> CommandSplitter.fromList(Arrays.asList("a", null))).hasMessage("command argument 1 is null");
  }
}
