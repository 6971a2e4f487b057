package dev.darkroom.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Which ports have a fake, which contract speaks for each port and where the contracts run, read
 * from the classes on the class path (not from a list kept by hand), so that a test can fail when
 * a port with a fake has no contract run against a fake or against a real adapter.
 *
 * <p>A port is an interface of {@code dev.darkroom.core.port}; a fake is a public class of this
 * package that implements one; a contract is an abstract class of this package named
 * {@code XContract}, speaking for port {@code X} and for the ports its {@link ContractOf} names; a
 * contract runs where a concrete class extends it.
 */
public final class ContractCoverage {
  public static final String PORTS = "dev.darkroom.core.port";
  public static final String FAKES = "dev.darkroom.testing";

  private ContractCoverage() {}

  /** Every port, by simple name. */
  public static Set<String> ports() {
    return names(portClasses());
  }

  /** The ports each fake of this package implements, by simple names. */
  public static Map<String, Set<String>> fakes() {
    Map<String, Set<String>> fakes = new TreeMap<>();
    for (Class<?> type : classesIn(FAKES)) {
      if (Modifier.isPublic(type.getModifiers()) && !type.isMemberClass() && !type.isInterface()
          && !Modifier.isAbstract(type.getModifiers())) {
        Set<String> implemented = names(portClasses().stream().filter(port -> port.isAssignableFrom(type)).toList());
        if (!implemented.isEmpty()) {
          fakes.put(type.getSimpleName(), implemented);
        }
      }
    }
    return fakes;
  }

  /** The ports that some fake implements. */
  public static Set<String> portsWithAFake() {
    Set<String> ports = new TreeSet<>();
    fakes().values().forEach(ports::addAll);
    return ports;
  }

  /** The ports each contract of this package speaks for, by simple names. */
  public static Map<String, Set<String>> contracts() {
    Map<String, Set<String>> contracts = new TreeMap<>();
    contractClasses().forEach(contract -> contracts.put(contract.getSimpleName(), portsOf(contract)));
    return contracts;
  }

  /**
   * The ports with a fake for which no contract speaking for them is extended by a concrete class
   * of {@code packageName} (member classes included): what still runs against nothing there.
   */
  public static Set<String> portsWithAFakeButNoContractRunIn(String packageName) {
    List<Class<?>> runs = concreteClassesIn(packageName);
    Set<String> covered = new TreeSet<>();
    for (Class<?> contract : contractClasses()) {
      if (runs.stream().anyMatch(contract::isAssignableFrom)) {
        covered.addAll(portsOf(contract));
      }
    }
    Set<String> missing = new TreeSet<>(portsWithAFake());
    missing.removeAll(covered);
    return missing;
  }

  /** The contracts of this package that no concrete class of {@code packageName} extends. */
  public static Set<String> contractsNotRunIn(String packageName) {
    List<Class<?>> runs = concreteClassesIn(packageName);
    Set<String> missing = new TreeSet<>();
    for (Class<?> contract : contractClasses()) {
      if (runs.stream().noneMatch(contract::isAssignableFrom)) {
        missing.add(contract.getSimpleName());
      }
    }
    return missing;
  }

  private static List<Class<?>> concreteClassesIn(String packageName) {
    return classesIn(packageName).stream()
        .filter(type -> !type.isInterface() && !Modifier.isAbstract(type.getModifiers())).toList();
  }

  private static List<Class<?>> portClasses() {
    return Ports.ALL;
  }

  /** Read once, on first use. */
  private static final class Ports {
    static final List<Class<?>> ALL = classesIn(PORTS).stream()
        .filter(type -> type.isInterface() && !type.isMemberClass() && !type.isAnnotation()).toList();
  }

  private static List<Class<?>> contractClasses() {
    return classesIn(FAKES).stream().filter(type -> type.getSimpleName().endsWith("Contract")
        && Modifier.isAbstract(type.getModifiers()) && !type.isInterface() && !type.isMemberClass()).toList();
  }

  private static Set<String> portsOf(Class<?> contract) {
    Set<String> ports = new TreeSet<>();
    String named = contract.getSimpleName().substring(0, contract.getSimpleName().length() - "Contract".length());
    if (ports().contains(named)) {
      ports.add(named);
    }
    ContractOf declared = contract.getAnnotation(ContractOf.class);
    if (declared != null) {
      for (Class<?> port : declared.value()) {
        ports.add(port.getSimpleName());
      }
    }
    return ports;
  }

  private static Set<String> names(List<Class<?>> types) {
    Set<String> names = new TreeSet<>();
    types.forEach(type -> names.add(type.getSimpleName()));
    return names;
  }

  /** The classes of one package, wherever on the class path (directories and jars), nested ones included. */
  static List<Class<?>> classesIn(String packageName) {
    ClassLoader loader = ContractCoverage.class.getClassLoader();
    String path = packageName.replace('.', '/');
    Set<String> classNames = new TreeSet<>();
    try {
      Enumeration<URL> roots = loader.getResources(path);
      for (URL root : Collections.list(roots)) {
        if (root.getProtocol().equals("file")) {
          try (Stream<Path> files = Files.list(Path.of(root.toURI()))) {
            files.map(file -> file.getFileName().toString()).forEach(file -> addClass(classNames, packageName, file));
          }
        } else if (root.getProtocol().equals("jar")) {
          JarURLConnection connection = (JarURLConnection) root.openConnection();
          connection.setUseCaches(false);
          try (JarFile jar = connection.getJarFile()) {
            for (JarEntry entry : Collections.list(jar.entries())) {
              String name = entry.getName();
              if (name.startsWith(path + "/") && name.indexOf('/', path.length() + 1) < 0) {
                addClass(classNames, packageName, name.substring(path.length() + 1));
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the classes of " + packageName, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot list the classes of " + packageName, e);
    }
    List<Class<?>> classes = new ArrayList<>();
    for (String name : classNames) {
      try {
        classes.add(Class.forName(name, false, loader));
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("listed but not loadable: " + name, e);
      }
    }
    return classes;
  }

  private static void addClass(Set<String> classNames, String packageName, String file) {
    if (file.endsWith(".class") && !file.equals("package-info.class") && !file.equals("module-info.class")) {
      classNames.add(packageName + "." + file.substring(0, file.length() - ".class".length()));
    }
  }
}
