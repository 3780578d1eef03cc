package io.github.sysched.spo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** An argument filter of a syscall entry (kept for completeness; syscall sets ignore arguments). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SeccompSyscallArg {

    private Integer index;
    private String op;
    private Long value;
    private Long valueTwo;

    public Integer getIndex() {
        return index;
    }

    public void setIndex(Integer index) {
        this.index = index;
    }

    public String getOp() {
        return op;
    }

    public void setOp(String op) {
        this.op = op;
    }

    public Long getValue() {
        return value;
    }

    public void setValue(Long value) {
        this.value = value;
    }

    public Long getValueTwo() {
        return valueTwo;
    }

    public void setValueTwo(Long valueTwo) {
        this.valueTwo = valueTwo;
    }
}
