package dev.secondsite.core.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Owner-only files: the journal holds the vault's key-signing secret and proxy passwords, so the store's directory is
 * created 0700 and every file 0600 on POSIX file systems (whatever the umask), or with an ACL that grants only the
 * owner on file systems with ACLs instead (Windows). {@link #checkPrivate} refuses a directory whose POSIX
 * permissions let others in. Stateless.
 */
final class StoreFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> SHARED = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private StoreFiles() {
    }

    private static boolean posix(Path existing) throws IOException {
        return Files.getFileStore(existing).supportsFileAttributeView(PosixFileAttributeView.class);
    }

    private static boolean acl(Path existing) throws IOException {
        FileStore store = Files.getFileStore(existing);
        return !store.supportsFileAttributeView(PosixFileAttributeView.class)
                && store.supportsFileAttributeView(AclFileAttributeView.class);
    }

    /** Creates {@code directory} (and missing parents, which get the usual permissions) owner-only when missing. */
    static void createDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Path parent = directory.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (posix(parent == null ? directory.toAbsolutePath().getRoot() : parent)) {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            // the umask may have removed bits, never added them; set exactly, in case a umask of 0 is in effect
            Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
        } else {
            Files.createDirectory(directory);
            ownerOnlyAcl(directory);
        }
    }

    /**
     * Opens {@code file} with {@code options}; a file it creates is owner-only from its first byte.
     */
    static FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (posix(dir)) {
            return FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        }
        boolean existed = Files.exists(file);
        FileChannel channel = FileChannel.open(file, options, new FileAttribute<?>[0]);
        if (!existed && acl(dir)) {
            try {
                ownerOnlyAcl(file);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
        return channel;
    }

    private static void ownerOnlyAcl(Path path) throws IOException {
        AclFileAttributeView view = Files.getFileAttributeView(path, AclFileAttributeView.class);
        if (view == null) {
            return;
        }
        UserPrincipal owner = Files.getOwner(path);
        view.setAcl(List.of(AclEntry.newBuilder().setType(AclEntryType.ALLOW).setPrincipal(owner)
                .setPermissions(EnumSet.allOf(AclEntryPermission.class)).build()));
    }

    /**
     * Refuses {@code directory} when it, or a file in it, has POSIX group or others permissions. Does nothing on file
     * systems without POSIX permissions (their ACLs are set by {@link #open} and {@link #createDirectory}).
     *
     * @throws StorePermissionsException naming the first such path and its permissions
     */
    static void checkPrivate(Path directory) throws IOException {
        if (!posix(directory)) {
            return;
        }
        refuseShared(directory);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                refuseShared(file);
            }
        }
    }

    private static void refuseShared(Path path) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
        if (permissions.stream().anyMatch(SHARED::contains)) {
            throw new StorePermissionsException(path, PosixFilePermissions.toString(permissions));
        }
    }
}
