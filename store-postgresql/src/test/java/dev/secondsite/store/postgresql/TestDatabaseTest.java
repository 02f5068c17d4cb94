package dev.secondsite.store.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TestDatabaseTest {
    @Test
    @DisplayName("the embedded PostgreSQL server starts with synchronous_commit and fsync on")
    void serverIsDurable() throws Exception {
        try (Connection c = TestDatabase.dataSource().getConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SHOW synchronous_commit");
            rs.next();
            assertEquals("on", rs.getString(1));
            rs = s.executeQuery("SHOW fsync");
            rs.next();
            assertEquals("on", rs.getString(1));
        }
    }
}
