package dev.darkroom.terraform.checks;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import javax.lang.model.element.Modifier;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParameterizedTypeTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreeScanner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * What a deployable's code reads from the environment, derived from its sources with the JDK's own
 * parser (no hand-kept list). The code reads configuration only through {@code dev.darkroom.gcp.Env}
 * ({@code require, requireSet, optional, orDefault, intOrDefault, positiveSecondsOrDefault, secret}) with a string
 * literal or a {@code static final String} constant as the name, in its {@code *Config} classes.
 *
 * <p>From every method of the deployable's own module, calls are followed into the shared sources
 * (shared/gcp, shared/core): a call {@code x.m(...)} reaches the methods named {@code m} with as many
 * parameters in the classes the calling file mentions; {@code new C(...)} reaches C's constructors and
 * field initializers. A helper that passes its parameter on as the name ({@code perTier(env, name, ..)}
 * in ApiConfig) is resolved at its call sites. This over-approximates by name, never misses a call
 * within the scanned sources, and is precise where it matters: each shared config record reads only
 * its own variables ({@code TopicConfig.jobSubmitted} only {@code JOB_SUBMITTED_TOPIC}), and a
 * deployable's config calls only those it uses; likewise it reaches only the port methods of
 * {@code Adapters} its wiring calls.
 *
 * <p>A name that cannot be resolved to a string is reported in {@link Result#unresolved}, so a new
 * way of reading the environment fails the check instead of slipping past it.
 */
public final class CodeReads {
  static final Set<String> ENV_METHODS = Set.of("require", "requireSet", "optional", "orDefault", "intOrDefault",
      "positiveSecondsOrDefault", "secret");
  private static final Pattern ENV_RECEIVER = Pattern.compile("(.*\\.)?env(\\(\\))?|Env\\.system\\(\\)");
  private static final String FIELDS = "<fields>";
  private static final String INIT = "<init>";

  /**
   * @param reads variable to the method that reads it (Class.method, or caller -> helper)
   * @param defaults variable to the default the code falls back on, where it has one
   * @param reached every method reached (Class.method)
   * @param invoked the names of every method invoked by reached code
   * @param unresolved env reads whose name is not a string the scanner can resolve
   * @param readsIn method (Class.method; the caller, for a helper) to the variables read there
   */
  public record Result(Map<String, String> reads, Map<String, String> defaults, Set<String> reached,
      Set<String> invoked, List<String> unresolved, Map<String, Set<String>> readsIn) {}

  private record Method(ClassInfo owner, String name, List<String> params, List<Tree> body) {
    String id() {
      return owner.name + "." + name;
    }
  }

  private static final class ClassInfo {
    final String name;
    final Set<String> mentioned;
    final List<Method> methods = new ArrayList<>();
    final Map<String, String> constants = new HashMap<>();
    final boolean entry;

    ClassInfo(String name, Set<String> mentioned, boolean entry) {
      this.name = name;
      this.mentioned = mentioned;
      this.entry = entry;
    }
  }

  private final Map<String, List<ClassInfo>> classes = new HashMap<>();
  /** Method id to the index of the parameter it passes to Env as a name, and of its default. */
  private final Map<String, int[]> forwarders = new HashMap<>();

  private CodeReads() {}

  /** Scans {@code entryRoots} (the deployable's module) and follows calls into {@code sharedRoots}. */
  public static Result scan(List<Path> entryRoots, List<Path> sharedRoots) {
    CodeReads scanner = new CodeReads();
    for (Path root : entryRoots) {
      scanner.parse(root, true);
    }
    for (Path root : sharedRoots) {
      scanner.parse(root, false);
    }
    scanner.findForwarders();
    return scanner.walk();
  }

  /** The {@code static final String} constants of the sources under {@code roots}: Class.NAME to value. */
  public static Map<String, String> constants(List<Path> roots) {
    CodeReads scanner = new CodeReads();
    roots.forEach(r -> scanner.parse(r, false));
    Map<String, String> all = new TreeMap<>();
    scanner.classes.values().forEach(list -> list.forEach(c ->
        c.constants.forEach((k, v) -> all.put(c.name + "." + k, v))));
    return all;
  }

  private void parse(Path root, boolean entry) {
    if (!Files.isDirectory(root)) {
      return;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    try (StandardJavaFileManager fm = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
      Iterable<? extends JavaFileObject> objects = fm.getJavaFileObjectsFromPaths(files);
      JavacTask task = (JavacTask) compiler.getTask(null, fm, d -> { }, List.of("-proc:none"), null, objects);
      for (CompilationUnitTree unit : task.parse()) {
        Set<String> mentioned = mentionedNames(unit);
        for (Tree type : unit.getTypeDecls()) {
          if (type instanceof ClassTree c) {
            index(c, mentioned, entry);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void index(ClassTree tree, Set<String> mentioned, boolean entry) {
    ClassInfo info = new ClassInfo(tree.getSimpleName().toString(), mentioned, entry);
    classes.computeIfAbsent(info.name, n -> new ArrayList<>()).add(info);
    List<Tree> fieldTrees = new ArrayList<>();
    for (Tree member : tree.getMembers()) {
      if (member instanceof MethodTree m) {
        String name = m.getName().contentEquals("<init>") ? INIT : m.getName().toString();
        List<String> params = m.getParameters().stream().map(p -> p.getName().toString()).toList();
        List<Tree> body = new ArrayList<>();
        if (m.getBody() != null) {
          body.add(m.getBody());
        }
        info.methods.add(new Method(info, name, params, body));
      } else if (member instanceof ClassTree nested) {
        index(nested, mentioned, entry);
      } else {
        fieldTrees.add(member);
        if (member instanceof VariableTree v && v.getInitializer() instanceof LiteralTree lit
            && lit.getValue() instanceof String s
            && v.getModifiers().getFlags().containsAll(Set.of(Modifier.STATIC, Modifier.FINAL))) {
          info.constants.put(v.getName().toString(), s);
        }
      }
    }
    info.methods.add(new Method(info, FIELDS, List.of(), fieldTrees));
  }

  private static Set<String> mentionedNames(CompilationUnitTree unit) {
    Set<String> names = new HashSet<>();
    for (ImportTree imp : unit.getImports()) {
      String qualified = imp.getQualifiedIdentifier().toString();
      names.add(qualified.substring(qualified.lastIndexOf('.') + 1));
    }
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        names.add(node.getName().toString());
        return null;
      }
    }.scan(unit, null);
    return names;
  }

  private void findForwarders() {
    for (List<ClassInfo> list : classes.values()) {
      for (ClassInfo c : list) {
        for (Method m : c.methods) {
          for (Tree t : m.body) {
            new TreeScanner<Void, Void>() {
              @Override
              public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
                if (isEnvRead(node) && node.getArguments().get(0) instanceof IdentifierTree id
                    && m.params.contains(id.getName().toString())) {
                  int defaultIndex = node.getArguments().size() > 1
                      && node.getArguments().get(1) instanceof IdentifierTree d ? m.params.indexOf(d.getName().toString()) : -1;
                  forwarders.put(m.id(), new int[] {m.params.indexOf(id.getName().toString()), defaultIndex});
                }
                return super.visitMethodInvocation(node, unused);
              }
            }.scan(t, null);
          }
        }
      }
    }
  }

  private static boolean isEnvRead(MethodInvocationTree node) {
    return node.getMethodSelect() instanceof MemberSelectTree ms
        && ENV_METHODS.contains(ms.getIdentifier().toString())
        && ENV_RECEIVER.matcher(ms.getExpression().toString()).matches()
        && !node.getArguments().isEmpty();
  }

  private Result walk() {
    Map<String, String> reads = new TreeMap<>();
    Map<String, String> defaults = new TreeMap<>();
    Set<String> reached = new LinkedHashSet<>();
    Set<String> invoked = new HashSet<>();
    List<String> unresolved = new ArrayList<>();
    Map<String, Set<String>> readsIn = new TreeMap<>();
    Deque<Method> work = new ArrayDeque<>();
    classes.values().forEach(list -> list.stream().filter(c -> c.entry).forEach(c -> work.addAll(c.methods)));
    Set<Method> seen = new HashSet<>();
    while (!work.isEmpty()) {
      Method method = work.pop();
      if (!seen.add(method)) {
        continue;
      }
      reached.add(method.id());
      for (Tree t : method.body) {
        new TreeScanner<Void, Void>() {
          @Override
          public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
            String name;
            String receiver = null;
            if (node.getMethodSelect() instanceof MemberSelectTree ms) {
              name = ms.getIdentifier().toString();
              receiver = ms.getExpression().toString();
            } else {
              name = node.getMethodSelect().toString();
            }
            invoked.add(name);
            if (isEnvRead(node)) {
              ExpressionTree arg = node.getArguments().get(0);
              String variable = resolve(arg, method.owner);
              if (variable != null) {
                reads.putIfAbsent(variable, method.id());
                readsIn.computeIfAbsent(method.id(), k -> new TreeSet<>()).add(variable);
                if (name.equals("orDefault") && node.getArguments().size() > 1) {
                  String d = resolve(node.getArguments().get(1), method.owner);
                  if (d != null) {
                    defaults.putIfAbsent(variable, d);
                  }
                }
              } else if (!(arg instanceof IdentifierTree id && method.params.contains(id.getName().toString()))) {
                unresolved.add(method.id() + ": env." + name + "(" + arg + ")");
              }
            }
            for (Method target : targets(method.owner, receiver, name, node.getArguments().size())) {
              work.push(target);
              int[] fwd = forwarders.get(target.id());
              if (fwd != null) {
                String variable = resolve(node.getArguments().get(fwd[0]), method.owner);
                if (variable == null) {
                  unresolved.add(method.id() + ": " + target.id() + "(" + node.getArguments().get(fwd[0]) + ", ...)");
                } else {
                  reads.putIfAbsent(variable, method.id() + " -> " + target.id());
                  readsIn.computeIfAbsent(method.id(), k -> new TreeSet<>()).add(variable);
                  if (fwd[1] >= 0) {
                    String d = resolve(node.getArguments().get(fwd[1]), method.owner);
                    if (d != null) {
                      defaults.putIfAbsent(variable, d);
                    }
                  }
                }
              }
            }
            return super.visitMethodInvocation(node, unused);
          }

          @Override
          public Void visitNewClass(NewClassTree node, Void unused) {
            Tree type = node.getIdentifier();
            if (type instanceof ParameterizedTypeTree p) {
              type = p.getType();
            }
            String simple = type.toString().substring(type.toString().lastIndexOf('.') + 1);
            for (ClassInfo c : classes.getOrDefault(simple, List.of())) {
              for (Method m : c.methods) {
                if (m.name.equals(FIELDS) || (m.name.equals(INIT) && m.params.size() == node.getArguments().size())) {
                  work.push(m);
                }
              }
            }
            return super.visitNewClass(node, unused);
          }

          @Override
          public Void visitMemberReference(MemberReferenceTree node, Void unused) {
            String name = node.getName().toString();
            invoked.add(name);
            String receiver = node.getQualifierExpression().toString();
            for (Method target : targets(method.owner, receiver, name, -1)) {
              work.push(target);
            }
            return super.visitMemberReference(node, unused);
          }
        }.scan(t, null);
      }
    }
    return new Result(reads, defaults, reached, invoked, unresolved, readsIn);
  }

  /** Methods a call may reach: by name and arity, in the receiver's class or the classes the file mentions. */
  private List<Method> targets(ClassInfo caller, String receiver, String name, int arity) {
    Set<String> candidates = new LinkedHashSet<>();
    if (receiver != null && !receiver.isEmpty() && Character.isUpperCase(receiver.charAt(0)) && !receiver.contains("(")
        && !receiver.contains(".")) {
      candidates.add(receiver);
    } else {
      candidates.add(caller.name);
      candidates.addAll(caller.mentioned);
    }
    List<Method> found = new ArrayList<>();
    for (String c : candidates) {
      for (ClassInfo info : classes.getOrDefault(c, List.of())) {
        for (Method m : info.methods) {
          if (m.name.equals(name) && (arity < 0 || m.params.size() == arity)) {
            found.add(m);
          }
        }
      }
    }
    return found;
  }

  /** A string literal, or a static final String constant (NAME in its class, or Class.NAME). */
  private String resolve(ExpressionTree arg, ClassInfo context) {
    if (arg instanceof LiteralTree lit && lit.getValue() instanceof String s) {
      return s;
    }
    if (arg instanceof IdentifierTree id) {
      return context.constants.get(id.getName().toString());
    }
    if (arg instanceof MemberSelectTree ms && ms.getExpression() instanceof IdentifierTree owner) {
      for (ClassInfo c : classes.getOrDefault(owner.getName().toString(), List.of())) {
        String value = c.constants.get(ms.getIdentifier().toString());
        if (value != null) {
          return value;
        }
      }
    }
    return null;
  }

  /** Readable form of a result, for test output. */
  static String describe(Result r) {
    StringBuilder sb = new StringBuilder();
    new LinkedHashMap<>(r.reads()).forEach((k, v) -> sb.append("  ").append(k).append("  <- ").append(v).append('\n'));
    return sb.toString();
  }
}
