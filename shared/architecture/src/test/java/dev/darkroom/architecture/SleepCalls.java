package dev.darkroom.architecture;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Calls that put a thread to sleep ({@code Thread.sleep}, {@code TimeUnit.SECONDS.sleep},
 * Guava's {@code sleepUninterruptibly}, {@code LockSupport.parkNanos}), found in Java sources with
 * the JDK's own parser: a comment or a string ("sleep 300" as a task's script) is not a call.
 */
final class SleepCalls {
  static final Set<String> SLEEPS = Set.of("sleep", "sleepUninterruptibly", "parkNanos", "parkUntil");
  /** Test helpers and contracts that live in a main source tree (shared/testing is test support). */
  static final List<String> TEST_SUPPORT_TREES = List.of("shared/testing/src/main/java");
  private static final Set<String> NOT_SOURCES = Set.of("target", "node_modules");

  private SleepCalls() {}

  /** One call, where it is: {@code file} relative to the repository's root. */
  record Call(String file, long line, String method, String call) {
    /** The key the allow-list uses: the file and the method the call is in. */
    String place() {
      return file + "#" + method;
    }

    @Override
    public String toString() {
      return file + ":" + line + ": " + call + "(...) in " + method;
    }
  }

  /** The repository's root: the nearest ancestor of the working directory with ./darkroom and pom.xml. */
  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("darkroom")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root (a directory with ./darkroom and pom.xml) above " + dir);
  }

  /** Every module's {@code src/test/java}, and the test-support trees, under {@code root}. */
  static List<Path> testTrees(Path root) throws IOException {
    List<Path> trees = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        if (!dir.equals(root) && (name.startsWith(".") || NOT_SOURCES.contains(name))) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        if (dir.endsWith(Path.of("src", "test", "java"))) {
          trees.add(dir);
          return FileVisitResult.SKIP_SUBTREE;
        }
        return FileVisitResult.CONTINUE;
      }
    });
    for (String support : TEST_SUPPORT_TREES) {
      trees.add(root.resolve(support));
    }
    trees.sort(Comparator.naturalOrder());
    return trees;
  }

  /** The sleep calls in every {@code .java} file under {@code trees}, file names relative to {@code root}. */
  static List<Call> in(Path root, List<Path> trees) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path tree : trees) {
      try (var walk = Files.walk(tree)) {
        walk.filter(f -> f.toString().endsWith(".java")).forEach(files::add);
      }
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    try (StandardJavaFileManager fileManager = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
      Iterable<? extends JavaFileObject> sources = fileManager.getJavaFileObjectsFromPaths(files);
      JavacTask task = (JavacTask) javac.getTask(null, fileManager, diagnostic -> {}, List.of("-proc:none"), null, sources);
      SourcePositions positions = Trees.instance(task).getSourcePositions();
      List<Call> calls = new ArrayList<>();
      for (CompilationUnitTree unit : task.parse()) {
        String file = root.relativize(Path.of(unit.getSourceFile().toUri())).toString().replace('\\', '/');
        new TreePathScanner<Void, Void>() {
          @Override
          public Void visitMethodInvocation(MethodInvocationTree invocation, Void unused) {
            ExpressionTree select = invocation.getMethodSelect();
            String name = select instanceof MemberSelectTree member ? member.getIdentifier().toString()
                : select instanceof IdentifierTree identifier ? identifier.getName().toString() : "";
            if (SLEEPS.contains(name)) {
              long line = unit.getLineMap().getLineNumber(positions.getStartPosition(unit, invocation));
              calls.add(new Call(file, line, enclosingMethod(getCurrentPath()), select.toString()));
            }
            return super.visitMethodInvocation(invocation, unused);
          }
        }.scan(unit, null);
      }
      return calls;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The name of the method the call is in (through lambdas and anonymous classes), else its class's. */
  private static String enclosingMethod(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof MethodTree method) {
        return method.getName().toString();
      }
      if (leaf instanceof ClassTree type && !type.getSimpleName().isEmpty()) {
        return type.getSimpleName().toString();
      }
    }
    return "?";
  }
}
