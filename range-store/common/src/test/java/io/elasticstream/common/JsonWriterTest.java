package io.elasticstream.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonWriterTest {
    @Test
    void writesNestedDocumentsWithCommasAndEscapes() {
        JsonWriter json = new JsonWriter().beginObject()
                .name("name").value("a\"b\\c\n<x>")
                .name("list").beginArray().value(1).value(2.5).value(Double.NaN).beginObject().endObject().endArray()
                .name("ok").value(true)
                .endObject();
        assertEquals("{\"name\":\"a\\\"b\\\\c\\n\\u003cx\\u003e\",\"list\":[1,2.5,null,{}],\"ok\":true}",
                json.toString());
    }
}
