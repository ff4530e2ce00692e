import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites pre-Java-6 class files (major version below 50) of the given jars as Java 8 class files with stack maps, in
 * place, keeping each jar's mtime. The JDK's AOT cache does not archive such classes ("Unlinked class not supported by
 * AOTClassLinking"), nor any class that implements one, so they are loaded and checked by the old type-inferring
 * verifier on every start. picocli ships Java 5 byte code: without this its ~230 classes, and the agent's classes that
 * implement its interfaces, stay out of the cache. Only the class-file version and the stack maps change; the code is
 * the same instructions. Jars with signatures are left alone. Run by packages.sh with the build JDK:
 *   java packaging/UpgradeOldClassFiles.java JAR...
 */
public final class UpgradeOldClassFiles {
    public static void main(String[] args) throws IOException {
        List<URL> urls = new ArrayList<>();
        for (String a : args) {
            urls.add(Path.of(a).toUri().toURL());
        }
        try (URLClassLoader all = new URLClassLoader(urls.toArray(URL[]::new), null)) {
            ClassFile cf = ClassFile.of(
                    ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                            .orElse(ClassHierarchyResolver.ofResourceParsing(all))));
            for (String a : args) {
                upgrade(cf, Path.of(a));
            }
        }
    }

    private static void upgrade(ClassFile cf, Path jar) throws IOException {
        if (!hasOldClasses(jar)) {
            return;
        }
        Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrading");
        int upgraded = 0;
        try (ZipFile in = new ZipFile(jar.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            if (in.stream().anyMatch(e -> e.getName().matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)"))) {
                return; // signed: a rewrite would break the signature
            }
            for (ZipEntry e : in.stream().toList()) {
                byte[] b = in.getInputStream(e).readAllBytes();
                if (e.getName().endsWith(".class") && !e.getName().endsWith("module-info.class")) {
                    ClassModel cm = cf.parse(b);
                    if (cm.majorVersion() < ClassFile.JAVA_6_VERSION) {
                        b = cf.transformClass(
                                cm, java8().andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)));
                        upgraded++;
                    }
                }
                ZipEntry o = new ZipEntry(e.getName());
                o.setTime(e.getTime());
                out.putNextEntry(o);
                out.write(b);
                out.closeEntry();
            }
        } finally {
            if (upgraded == 0) {
                Files.deleteIfExists(tmp);
            }
        }
        if (upgraded > 0) {
            FileTime mtime = Files.getLastModifiedTime(jar);
            Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(jar, mtime);
            System.err.println("upgraded " + upgraded + " pre-Java-6 classes in " + jar.getFileName());
        }
    }

    /** Reads only each class file's version bytes, so a pass over large jars costs little. */
    private static boolean hasOldClasses(Path jar) throws IOException {
        try (ZipFile in = new ZipFile(jar.toFile())) {
            for (ZipEntry e : in.stream().toList()) {
                if (e.getName().endsWith(".class") && !e.getName().endsWith("module-info.class")) {
                    try (var is = in.getInputStream(e)) {
                        byte[] head = is.readNBytes(8);
                        int major = head.length == 8 ? ((head[6] & 0xff) << 8) | (head[7] & 0xff) : Integer.MAX_VALUE;
                        if (major < ClassFile.JAVA_6_VERSION) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    private static ClassTransform java8() {
        return (builder, element) -> {
            if (element instanceof ClassFileVersion) {
                builder.withVersion(ClassFile.JAVA_8_VERSION, 0);
            } else {
                builder.with(element);
            }
        };
    }
}
