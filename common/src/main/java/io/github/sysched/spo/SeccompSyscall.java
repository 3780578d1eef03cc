package io.github.sysched.spo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One {@code spec.syscalls[]} entry: an action for a list of syscall names. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SeccompSyscall {

    private String action;
    private List<String> names;
    private Integer errnoRet;
    private List<SeccompSyscallArg> args;

    public String getAction() {
        return action;
    }

    public void setAction(String action) {
        this.action = action;
    }

    public List<String> getNames() {
        return names;
    }

    public void setNames(List<String> names) {
        this.names = names;
    }

    public Integer getErrnoRet() {
        return errnoRet;
    }

    public void setErrnoRet(Integer errnoRet) {
        this.errnoRet = errnoRet;
    }

    public List<SeccompSyscallArg> getArgs() {
        return args;
    }

    public void setArgs(List<SeccompSyscallArg> args) {
        this.args = args;
    }
}
